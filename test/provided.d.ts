/** What the global set-up (test/setup/global.ts) provides to every test with `inject`. */
declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    databaseKind: "postgres" | "pglite";
    /** A second migrated database for tests that need the whole change log to themselves (pruning, lock demos). */
    scratchDatabaseUrl: string;
    /** The reminder clock's own database: its alarms scan every due reminder, so no other test shares it. */
    clockDatabaseUrl: string;
    /**
     * Fake providers: `urls` as the Worker's settings take them, `control` for their `/__control/…`
     * routes. `openclaw` is a gateway with the docs' defaults; `openclawSessionKeys` one whose
     * operator allowed request session keys; `webhooks` a webhook receiver that verifies signatures (test/setup/fakes.ts).
     */
    fakes: {
      urls: { telegram: string; whatsapp: string; openclaw: string; openclawSessionKeys: string; webhooks: string };
      control: { telegram: string; whatsapp: string; openclaw: string; openclawSessionKeys: string; webhooks: string };
      /** The credentials each fake accepts. */
      tokens: { telegram: string; whatsapp: string; openclaw: string };
    };
  }
}

export {};
