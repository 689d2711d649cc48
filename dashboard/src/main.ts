import { ApiError, unwrap } from "../../client/api";
import { SyncClient } from "../../client/sync-client";
import type { ReminderDueEvent, ReminderNoticeEvent, RoomEvent } from "../../party/protocol";
import { isRemembered, setRemembered, storedKey, storeKey } from "./key-store";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

let client: SyncClient | undefined;

function element(tag: string, text = "", className = "") {
  const node = document.createElement(tag);
  node.textContent = text;
  if (className) node.className = className;
  return node;
}

function button(label: string, onClick: () => Promise<unknown>) {
  const node = element("button", label);
  node.addEventListener("click", () => onClick().catch(showError));
  return node;
}

const newestFirst = <T extends { created_at: string }>(items: Iterable<T>) =>
  [...items].sort((a, b) => b.created_at.localeCompare(a.created_at));

function render() {
  if (!client) return;
  const live = client;
  const tasks = newestFirst(live.tasks.values()).map((task) => {
    const row = element("li");
    row.dataset.id = task.id;
    row.dataset.status = task.status;
    const done = document.createElement("input");
    done.type = "checkbox";
    done.checked = task.status === "completed";
    done.title = "Completed";
    const param = { id: task.id };
    done.addEventListener("change", () =>
      unwrap(live.api.tasks[":id"].$patch({ param, json: { status: done.checked ? "completed" : "pending" } })).catch(
        showError,
      ),
    );
    const due = task.due_time ? `due ${new Date(task.due_time).toLocaleString()}` : "";
    row.append(
      done,
      element("span", task.title, "title"),
      element("span", `${task.status} ${due}`, "meta"),
      button("Delete", () => unwrap(live.api.tasks[":id"].$delete({ param }))),
    );
    return row;
  });
  $("tasks").replaceChildren(...tasks);
  const reminders = newestFirst(live.reminders.values()).map((reminder) => {
    const task = live.tasks.get(reminder.task_id);
    const row = element("li");
    row.dataset.id = reminder.id;
    row.append(
      element("span", task?.title ?? "(task)", "title"),
      element(
        "span",
        `${new Date(reminder.remind_at).toLocaleString()} · ${reminder.channel} · ${reminder.delivery_state ?? reminder.status}`,
        "meta",
      ),
    );
    return row;
  });
  $("reminders").replaceChildren(...reminders);
}

function notice(event: RoomEvent) {
  if (event.type === "reminder.due") {
    const { task, reminder, late_by_seconds: late } = event as ReminderDueEvent;
    const at = new Date(String(reminder.remind_at)).toLocaleTimeString();
    const lateness = late ? `, ${Math.floor(late / 60)} min late` : "";
    $("notices").prepend(element("li", `Reminder: ${task?.title ?? "a task"} (${at}${lateness})`));
  } else if (event.type === "reminder.failed" || event.type === "reminder.missed") {
    const { task, reminder } = event as ReminderNoticeEvent;
    const what = event.type === "reminder.failed" ? "failed" : "was missed";
    const text = `Reminder ${what}: ${task?.title ?? "a task"} (${reminder.channel}, due ${new Date(String(reminder.remind_at)).toLocaleString()}): ${reminder.last_error ?? ""}`;
    $("notices").prepend(element("li", text, "problem"));
  }
}

function showError(err: unknown) {
  $("message").textContent =
    err instanceof ApiError && err.status === 401
      ? "The API needs a key: paste one above."
      : err instanceof ApiError && err.status === 403
        ? "This key may not read and write tasks and reminders: paste another above."
        : `Something went wrong: ${err instanceof Error ? err.message : String(err)}`;
}

function setStatus(status: string) {
  $("status").textContent = status;
  $("status").dataset.status = status;
}

async function connect() {
  client?.stop();
  $("message").textContent = "";
  client = new SyncClient({
    baseUrl: location.origin,
    apiKey: storedKey,
    onChange: render,
    onReset: render,
    onEvent: notice,
    onStatus: setStatus,
    // Revoked, or without the read scopes: the client has stopped retrying, so ask for another key.
    onRefused: () => {
      $("message").textContent = "The API refused this key (revoked, or missing a scope): paste another above.";
    },
  });
  try {
    await client.start();
    render();
  } catch (err) {
    setStatus("offline");
    showError(err);
  }
}

const remember = $<HTMLInputElement>("remember");
remember.checked = isRemembered();
remember.addEventListener("change", () => setRemembered(remember.checked));

$("key-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const input = $<HTMLInputElement>("api-key");
  if (input.value.trim()) storeKey(input.value.trim(), remember.checked);
  input.value = "";
  void connect();
});

$("new-task").addEventListener("submit", (event) => {
  event.preventDefault();
  const input = $<HTMLInputElement>("new-title");
  const title = input.value.trim();
  if (!title || !client) return;
  unwrap(client.api.tasks.$post({ json: { title, source: "ui" } })).then(() => {
    input.value = "";
  }, showError);
});

void connect();
