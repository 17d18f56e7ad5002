import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
/** Everything tests write (databases, screenshots, logs) lives under here, ignored by git. */
export const OUTPUT = path.join(ROOT, "tests/.output");
export const TEMPLATE_DB = path.join(OUTPUT, "template.db");
export const SCREENSHOTS = path.join(OUTPUT, "screenshots");
