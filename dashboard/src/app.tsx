import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { AgendaView } from "./agenda";
import { forgetKey, storedKey, storeKey } from "./key-store";
import { KeysView } from "./keys";
import { Notices } from "./notices";
import { Session, useSessionState } from "./session";
import { refusalText, SignIn } from "./sign-in";
import { TaskEditor } from "./task-editor";
import { TasksView } from "./tasks";
import { UndoToast } from "./undo-toast";
import { WebhooksView } from "./webhooks";

type View = "agenda" | "tasks" | "keys" | "webhooks";
/** The editor's subject: a task's id, or a new task. */
type Editing = string | "new" | null;

/** Signs in with a stored key if there is one, else shows the sign-in screen. */
export function App() {
  const [session, setSession] = useState<Session | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const signIn = useCallback(async (key: string, remember?: boolean) => {
    setBusy(true);
    const next = new Session(key);
    try {
      await next.start();
      if (remember !== undefined) storeKey(key, remember);
      setProblem(null);
      setSession(next);
    } catch (err) {
      next.stop();
      setProblem(refusalText(err, key));
    } finally {
      setBusy(false);
    }
  }, []);

  useEffect(() => {
    const key = storedKey();
    if (key) void signIn(key);
  }, [signIn]);

  if (!session) return <SignIn problem={problem} busy={busy} onKey={(key, remember) => void signIn(key, remember)} />;
  return (
    <Shell
      session={session}
      onSignOut={(why) => {
        session.stop();
        forgetKey();
        setProblem(why ?? null);
        setSession(null);
      }}
    />
  );
}

function Shell(props: { session: Session; onSignOut: (why?: string) => void }) {
  const { session } = props;
  useSessionState(session);
  const [view, setView] = useState<View>("agenda");
  const [editing, setEditing] = useState<Editing>(null);
  const search = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (session.refused) props.onSignOut("The API stopped accepting this key (revoked, or a scope was taken away).");
  });

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement;
      if (event.ctrlKey || event.metaKey || event.altKey || editing) return;
      if (target.closest("input, textarea, select, [contenteditable]")) return;
      if (event.key === "n") {
        event.preventDefault();
        setEditing("new");
      } else if (event.key === "/") {
        event.preventDefault();
        setView("tasks");
        requestAnimationFrame(() => search.current?.focus());
      }
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [editing]);

  const tab = (name: View, label: string) => (
    <button type="button" aria-current={view === name ? "page" : undefined} onClick={() => setView(name)}>
      {label}
    </button>
  );
  return (
    <>
      <header>
        <h1>OpenClaw Sync</h1>
        <nav aria-label="Views">
          {tab("agenda", "Agenda")}
          {tab("tasks", "Tasks")}
          {session.admin && tab("keys", "Keys")}
          {session.admin && tab("webhooks", "Webhooks")}
          <a href="/docs">API docs</a>
        </nav>
        <span id="status" data-status={session.status} role="status" aria-label={`Connection: ${session.status}`}>
          {session.status}
        </span>
        <button type="button" class="new" onClick={() => setEditing("new")} title="New task (n)">
          New task
        </button>
        <span id="who" class="meta">
          {session.caller?.name}
          {session.admin ? " (admin)" : ""}
        </span>
        <button type="button" id="sign-out" onClick={() => props.onSignOut()}>
          Sign out
        </button>
      </header>
      <Notices session={session} />
      <UndoToast session={session} />
      <main>
        {view === "agenda" && <AgendaView session={session} onEdit={setEditing} />}
        {view === "tasks" && <TasksView session={session} onEdit={setEditing} searchRef={search} />}
        {view === "keys" && session.admin && <KeysView session={session} />}
        {view === "webhooks" && session.admin && <WebhooksView session={session} />}
      </main>
      {editing && (
        <TaskEditor session={session} taskId={editing === "new" ? null : editing} onClose={() => setEditing(null)} />
      )}
    </>
  );
}
