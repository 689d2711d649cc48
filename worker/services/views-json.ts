import type { Table } from "drizzle-orm";
import type { ChangeEntity } from "../../party/protocol";
import { INSTANT_MAX, INSTANT_MIN } from "../db/instant-range";
import { attachments, people, projects, reminders, tasks } from "../db/schema";
import { viewColumns } from "./views";

/**
 * The views of views.ts as SQL over a change-log row's `data`, rendered to JSON text in Postgres, so a
 * page of GET /changes leaves the database as the bytes it is served as: parsing each row's JSON,
 * shaping it and serialising it again was about half of the Worker's CPU per page, and Postgres
 * renders it in less (bench/history.md, section 6). Every expression must give the JSON value that `toChange` gives for the same row;
 * views-json.test.ts compares the two over every entity and the instants' edges.
 *
 * Plain SQL text rather than drizzle's `sql` chunks: it holds no parameters, and drizzle walking a
 * few thousand chunks on every request cost more than the rest of the route.
 */

const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;
const jsonLiteral = (text: string) => literal(JSON.stringify(text));

/** Date#toISOString's shape; `MS` truncates the microseconds, as `Date.parse` drops the digits past milliseconds. */
const ISO_FORMAT = literal('YYYY-MM-DD"T"HH24:MI:SS.MS"Z"');
const START = new Date(INSTANT_MIN).toISOString();
const END = new Date(INSTANT_MAX).toISOString();

/**
 * `isoInstant` as JSON text, over `v`, the text a change-log trigger captured (to_jsonb's ISO 8601
 * in the writer's session time zone), in three steps, cheapest first:
 * - written in UTC inside the range ("2026-03-01T09:30:00.12+00:00", the common case): the text
 *   itself, its fraction padded or cut to milliseconds, without parsing it;
 * - what `Date.parse` reads (a four-digit year, an offset in hours and minutes): parsed, clamped into
 *   the range and formatted;
 * - what it cannot read, as isoInstant reads it: a BC year or a leading minus (`-infinity`) as the
 *   range's start; anything else (year 10000 on, `infinity`, the local mean time offsets with
 *   seconds that old instants get in some zones, -04:56:02) as its end.
 */
function isoInstantJson(v: string): string {
  return `case
    when ${v} is null then 'null'
    when right(${v}, 6) = '+00:00' and substr(${v}, 5, 1) = '-' and ${v} >= '1970' collate "C"
      then '"' || left(${v}, 19) || '.' || rpad(substr(${v}, 21, greatest(length(${v}) - 26, 0)), 3, '0') || 'Z"'
    when substr(${v}, 5, 1) = '-' and substr(${v}, length(${v}) - 5, 1) in ('+', '-')
      then '"' || to_char(greatest(least(${v}::timestamptz, ${literal(END)}), ${literal(START)}) at time zone 'UTC', ${ISO_FORMAT}) || '"'
    when ${v} ~ ' BC$|^-' then ${jsonLiteral(START)}
    else ${jsonLiteral(END)}
  end`;
}

/**
 * `toResource(table, data)` as JSON text, keys in the same order; `extra` names fields of `data`
 * added after them. One concat(), not a chain of ||, which would copy the growing text at each step.
 */
function resourceJson(table: Table, data: string, extra: readonly string[] = []): string {
  const fields = [...viewColumns(table).map(([key, column]) => [key, column.name, column.columnType] as const)];
  for (const key of extra) fields.push([key, key, "json"]);
  const parts = fields.map(([key, name, columnType], i) => {
    const label = literal(`${i === 0 ? "{" : ","}${JSON.stringify(key)}:`);
    const value =
      columnType === "PgTimestamp"
        ? isoInstantJson(`(${data}->>${literal(name)})`)
        : `coalesce(${data}->${literal(name)}, 'null')`;
    return `${label}, ${value}`;
  });
  return `concat(${parts.join(", ")}, '}')`;
}

const RESOURCES: Record<ChangeEntity, (data: string) => string> = {
  task: (data) => resourceJson(tasks, data),
  project: (data) => resourceJson(projects, data),
  person: (data) => resourceJson(people, data),
  attachment: (data) => resourceJson(attachments, data),
  // reminderView: the trigger captured the reminder's task's time zone with the row (migration 0005).
  reminder: (data) => resourceJson(reminders, data, ["timezone"]),
};

const rendered = new Map<string, string>();

/**
 * `toChange(row)` as a SQL expression of JSON text, over `row`, the alias of a relation with the
 * change log's columns. An entity without a view fails the statement, as toChange throws, rather
 * than vanishing from a page.
 */
export function changeJson(row: string): string {
  let expression = rendered.get(row);
  if (!expression) {
    const cases = Object.entries(RESOURCES).map(
      ([entity, view]) => `when ${literal(entity)} then ${view(`${row}.data`)}`,
    );
    expression = `concat('{"seq":', ${row}.seq, ',"type":', to_json(${row}.entity || '.' || ${row}.op), ',"entity":', to_json(${row}.entity),
      ',"op":', to_json(${row}.op), ',"id":"', ${row}.entity_id, '","data":',
      case ${row}.entity ${cases.join(" ")} else ('no view of change entity ' || ${row}.entity)::json::text end,
      ',"at":"', to_char(${row}.at at time zone 'UTC', ${ISO_FORMAT}), '"}')`;
    rendered.set(row, expression);
  }
  return expression;
}
