/** The recurrence presets the editor offers, as the RRULE each stands for. */
export const PRESETS = {
  none: "",
  daily: "FREQ=DAILY",
  weekdays: "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
  weekly: "FREQ=WEEKLY",
  monthly: "FREQ=MONTHLY",
  custom: "",
} as const;

export type Preset = keyof typeof PRESETS;

const sameRule = (a: string, b: string) => {
  const parts = (rule: string) => rule.toUpperCase().split(";").filter(Boolean).sort().join(";");
  return parts(a) === parts(b);
};

/** Which preset a task's rule is, or `custom`. */
export function presetOf(rrule: string | null): Preset {
  if (!rrule) return "none";
  const found = (Object.keys(PRESETS) as Preset[]).find((p) => PRESETS[p] && sameRule(PRESETS[p], rrule));
  return found ?? "custom";
}

const WORDS: Record<Preset, string> = {
  none: "",
  daily: "every day",
  weekdays: "every weekday",
  weekly: "every week",
  monthly: "every month",
  custom: "",
};

/** A rule in plain words, for the presets: "every weekday at 09:00"; a custom rule as written. */
export function recurrenceSummary(rrule: string | null, time?: string) {
  const preset = presetOf(rrule);
  if (preset === "none") return "";
  if (preset === "custom") return `repeats: ${rrule}`;
  return time ? `${WORDS[preset]} at ${time}` : WORDS[preset];
}
