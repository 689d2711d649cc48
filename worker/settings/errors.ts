/** A deployment's setting is missing or malformed; the message names every bad variable. */
export class SettingsError extends Error {
  override name = "SettingsError";
}
