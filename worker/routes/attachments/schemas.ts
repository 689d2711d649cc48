import { attachments, CONTENT_TYPE_MAX, FILENAME_MAX } from "../../db/schema";
import { createSelectSchema, cursor, limit, page, timestampOutput } from "../../http/fields";
import { z } from "../../http/zod";

export const Attachment = createSelectSchema(attachments, {
  filename: z.string().openapi({ example: "receipt.pdf", description: "As uploaded; served only as a download." }),
  content_type: z.string().openapi({ example: "application/pdf" }),
  size: z.number().int().openapi({ example: 48213, description: "Bytes." }),
  sha256: z.string().openapi({ description: "SHA-256 of the bytes, lowercase hex; the download's ETag." }),
  created_at: timestampOutput(),
}).openapi("Attachment");

export const AttachmentPage = page(Attachment).openapi("AttachmentPage");

/**
 * A file name as uploaded, path separators and dots included ("stored as given"): only NUL and the
 * other control characters, which no file system names a file with, and lone surrogates, which are
 * no text at all, are refused.
 */
export const filename = () =>
  z
    .string()
    .min(1)
    .max(FILENAME_MAX)
    // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point.
    .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), "must not contain control characters")
    .refine((s) => !/\p{Cs}/u.test(s), "must not contain a lone UTF-16 surrogate");

// RFC 9110 §8.3.1: type "/" subtype, then parameters; visible ASCII only.
const MEDIA_TYPE = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+\/[!#$%&'*+.^_`|~0-9A-Za-z-]+(\s*;\s*[\x20-\x7e]*)?$/;

/** A media type as the uploader gave it (stored and served back as written). */
export const contentType = () =>
  z
    .string()
    .max(CONTENT_TYPE_MAX)
    .regex(MEDIA_TYPE, "must be a media type such as image/png or text/plain; charset=utf-8");

export const UploadQuery = z.strictObject({
  filename: filename()
    .optional()
    .openapi({
      description: `The file's name, 1–${FILENAME_MAX} characters. Needed with a raw body; with multipart/form-data it overrides the part's own filename.`,
      example: "receipt.pdf",
    }),
});

export const AttachmentListQuery = z.strictObject({ limit: limit(), cursor: cursor() });

export const AttachmentIdParam = z.object({
  id: z.uuid().openapi({ param: { name: "id", in: "path", description: "The attachment's id (a UUID)." } }),
});
