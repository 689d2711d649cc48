import { sql } from "drizzle-orm";
import { tasks } from "../db/schema";
import type { Store } from "./store";

/** How a label is matched: its case folded, whitespace runs as one space. */
export const labelKey = (label: string) => label.trim().replace(/\s+/g, " ").toLowerCase();

/**
 * A task's labels as stored: trimmed, at most one per case-insensitive spelling (the first
 * written wins, so "Home" and "home" are one label shown as "Home"), with their match keys.
 */
export function labelColumns(labels: readonly string[]) {
  const kept = new Map<string, string>();
  for (const label of labels) {
    const key = labelKey(label);
    if (key && !kept.has(key)) kept.set(key, label.trim().replace(/\s+/g, " "));
  }
  return { labels: [...kept.values()], label_keys: [...kept.keys()] };
}

/** The labels in use, most used first, each as first written on the oldest task that has it. */
export async function listLabels(store: Store) {
  const { rows } = await store.db.execute<{ name: string; task_count: number }>(sql`
    select (array_agg(l.label order by ${tasks.created_at}, ${tasks.id}))[1] as name, count(*)::int as task_count
    from ${tasks}, unnest(${tasks.labels}, ${tasks.label_keys}) as l(label, key)
    group by l.key
    order by task_count desc, l.key`);
  return rows;
}
