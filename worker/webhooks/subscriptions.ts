import { and, desc, eq, sql } from "drizzle-orm";
import { shownColumns } from "../db/rows";
import {
  changeCursor,
  DELIVERY_INTERNAL,
  WEBHOOK_INTERNAL,
  type WebhookDeliveryRow,
  type WebhookSubscriptionRow,
  webhookDeliveries,
  webhookSubscriptions,
} from "../db/schema";
import { InvalidInputError, NotFoundError, UnconfiguredError } from "../services/errors";
import { after, type Keyset, newestFirst, page } from "../services/pagination";
import type { Store } from "../services/store";
import type { WebhookSettings } from "../settings";
import { subscriptionsChanged } from "./announce";
import { newSecret, seal } from "./secret-box";
import { webhookUrlProblem } from "./url-policy";

/** A subscription as the API shows it: everything but its sealed secret and the engine's lease. */
export type WebhookView = Omit<WebhookSubscriptionRow, keyof typeof WEBHOOK_INTERNAL>;
export type DeliveryView = Omit<WebhookDeliveryRow, keyof typeof DELIVERY_INTERNAL>;

export interface NewWebhook {
  url: string;
  events: string[];
  description?: string | null;
  enabled?: boolean;
}
export type WebhookChanges = Partial<NewWebhook>;

const viewColumns = shownColumns(webhookSubscriptions, WEBHOOK_INTERNAL);
const deliveryColumns = shownColumns(webhookDeliveries, DELIVERY_INTERNAL);

const byCreation: Keyset<DeliveryView> = {
  time: webhookDeliveries.created_at,
  id: webhookDeliveries.id,
  positionOf: (row) => ({ at: row.created_at, id: row.id }),
};

function checkUrl(url: string, settings: WebhookSettings) {
  const problem = webhookUrlProblem(url, settings);
  if (problem) {
    throw new InvalidInputError(`The webhook URL ${problem}.`, [{ path: "url", location: "body", message: problem }]);
  }
}

/** The key subscription secrets are sealed with. @throws UnconfiguredError without one */
export function secretsKey(settings: WebhookSettings): string {
  if (!settings.secretsKey) {
    throw new UnconfiguredError(
      "webhooks",
      "Webhook secrets cannot be sealed: set WEBHOOK_SECRETS_KEY (or ADMIN_TOKEN) on the Worker.",
    );
  }
  return settings.secretsKey;
}

/**
 * Creates a subscription that starts at the log's current end: it receives what happens from now
 * on, not the history. The secret is returned here and by a rotation only.
 * @throws InvalidInputError for a URL the policy refuses; UnconfiguredError without a sealing key
 */
export async function createWebhook(store: Store, settings: WebhookSettings, input: NewWebhook) {
  checkUrl(input.url, settings);
  const secret = newSecret();
  const [row] = await store.db
    .insert(webhookSubscriptions)
    .values({
      url: input.url,
      events: [...new Set(input.events)],
      description: input.description ?? null,
      enabled: input.enabled ?? true,
      secret_sealed: await seal(secretsKey(settings), secret),
      cursor_seq: sql`(select last_seq from ${changeCursor} where id = 1)`,
    })
    .returning(viewColumns);
  subscriptionsChanged();
  return { ...(row as WebhookView), secret };
}

export async function listWebhooks(store: Store): Promise<WebhookView[]> {
  return store.db
    .select(viewColumns)
    .from(webhookSubscriptions)
    .orderBy(desc(webhookSubscriptions.created_at), desc(webhookSubscriptions.id));
}

/** @throws NotFoundError */
export async function getWebhook(store: Store, { id }: { id: string }): Promise<WebhookView> {
  const [row] = await store.db.select(viewColumns).from(webhookSubscriptions).where(eq(webhookSubscriptions.id, id));
  if (!row) throw new NotFoundError("webhook", id);
  return row;
}

/**
 * Changes what was given. Enabling a subscription (again) clears its failure count and the engine's
 * reason, and it goes on from where its cursor stands: nothing it missed while disabled is lost,
 * as long as the change log still holds it.
 * @throws NotFoundError, InvalidInputError
 */
export async function updateWebhook(
  store: Store,
  settings: WebhookSettings,
  { id }: { id: string },
  changes: WebhookChanges,
): Promise<WebhookView> {
  if (changes.url !== undefined) checkUrl(changes.url, settings);
  const enabling = changes.enabled === true;
  const [row] = await store.db
    .update(webhookSubscriptions)
    .set({
      ...(changes.url !== undefined ? { url: changes.url } : {}),
      ...(changes.events !== undefined ? { events: [...new Set(changes.events)] } : {}),
      ...(changes.description !== undefined ? { description: changes.description } : {}),
      ...(changes.enabled !== undefined ? { enabled: changes.enabled } : {}),
      ...(enabling
        ? {
            failures: sql`case when ${webhookSubscriptions.enabled} then ${webhookSubscriptions.failures} else 0 end`,
            disabled_reason: null,
            next_attempt_at: sql`case when ${webhookSubscriptions.enabled} then ${webhookSubscriptions.next_attempt_at} else now() end`,
          }
        : {}),
      ...(changes.enabled === false ? { disabled_reason: null } : {}),
      updated_at: sql`now()`,
      version: sql`${webhookSubscriptions.version} + 1`,
    })
    .where(eq(webhookSubscriptions.id, id))
    .returning(viewColumns);
  if (!row) throw new NotFoundError("webhook", id);
  if (enabling) subscriptionsChanged();
  return row;
}

/** @throws NotFoundError */
export async function deleteWebhook(store: Store, { id }: { id: string }): Promise<void> {
  const rows = await store.db
    .delete(webhookSubscriptions)
    .where(eq(webhookSubscriptions.id, id))
    .returning({ id: webhookSubscriptions.id });
  if (rows.length === 0) throw new NotFoundError("webhook", id);
}

/**
 * A new secret, effective at once: the next attempt is signed with it. The old one is forgotten
 * (receivers that must overlap accept both for a while on their side).
 * @throws NotFoundError, UnconfiguredError
 */
export async function rotateWebhookSecret(store: Store, settings: WebhookSettings, { id }: { id: string }) {
  const secret = newSecret();
  const [row] = await store.db
    .update(webhookSubscriptions)
    .set({
      secret_sealed: await seal(secretsKey(settings), secret),
      updated_at: sql`now()`,
      version: sql`${webhookSubscriptions.version} + 1`,
    })
    .where(eq(webhookSubscriptions.id, id))
    .returning(viewColumns);
  if (!row) throw new NotFoundError("webhook", id);
  return { ...row, secret };
}

/** The subscription's attempts, newest first. @throws NotFoundError */
export async function listDeliveries(
  store: Store,
  { id, limit, cursor }: { id: string; limit: number; cursor?: string },
) {
  await getWebhook(store, { id });
  const rows = await store.db
    .select(deliveryColumns)
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.subscription_id, id), after(byCreation, cursor)))
    .orderBy(...newestFirst(byCreation))
    .limit(limit + 1);
  return page(byCreation, rows, limit);
}

/**
 * One attempt with the payload it sent, and the subscription's URL and sealed secret to send it again.
 * @throws NotFoundError
 */
export async function findDelivery(store: Store, { id, deliveryId }: { id: string; deliveryId: string }) {
  const [row] = await store.db
    .select({
      delivery: webhookDeliveries,
      url: webhookSubscriptions.url,
      secret_sealed: webhookSubscriptions.secret_sealed,
    })
    .from(webhookDeliveries)
    .innerJoin(webhookSubscriptions, eq(webhookSubscriptions.id, webhookDeliveries.subscription_id))
    .where(and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.subscription_id, id)));
  if (!row) throw new NotFoundError("delivery", deliveryId);
  return row;
}

/** The subscription's URL and sealed secret. @throws NotFoundError */
export async function findTarget(store: Store, { id }: { id: string }) {
  const [row] = await store.db
    .select({ ...viewColumns, secret_sealed: webhookSubscriptions.secret_sealed })
    .from(webhookSubscriptions)
    .where(eq(webhookSubscriptions.id, id));
  if (!row) throw new NotFoundError("webhook", id);
  return row;
}

/**
 * Logs one attempt made outside the engine (a ping, a redelivery): it never moves the cursor.
 * @throws NotFoundError when the subscription was deleted while the attempt was in flight
 */
export async function logAttempt(
  store: Store,
  values: Omit<typeof webhookDeliveries.$inferInsert, "id" | "created_at">,
): Promise<DeliveryView> {
  const [row] = await store.db
    .insert(webhookDeliveries)
    .values(values)
    .returning(deliveryColumns)
    .catch((err: { code?: string; cause?: { code?: string } }) => {
      // Deleted while the attempt was in flight.
      if ((err.cause?.code ?? err.code) === "23503") throw new NotFoundError("webhook", values.subscription_id);
      throw err;
    });
  return row as DeliveryView;
}

/**
 * Housekeeping: the delivery log older than `logDays` goes, and the change-log seq that enabled
 * subscriptions still need from (pruning keeps what comes after it; undefined: none is enabled).
 */
export async function webhookHousekeeping(store: Store, { logDays }: { logDays: number }) {
  const { rows } = await store.db.execute<{ deleted: string | number; keep_after: string | number | null }>(sql`
    with gone as (
      delete from ${webhookDeliveries} where created_at < now() - make_interval(days => ${logDays}) returning 1
    )
    select (select count(*) from gone) as deleted,
      (select min(cursor_seq) from ${webhookSubscriptions} where enabled) as keep_after`);
  const row = rows[0];
  return {
    deliveriesDeleted: Number(row?.deleted ?? 0),
    keepAfter: row?.keep_after == null ? undefined : Number(row.keep_after),
  };
}
