import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
/**
 * Everything tests write (databases, screenshots, logs) lives under here, ignored by git.
 * MOMENTS_TEST_SLOT gives parallel runs on one machine their own output and server build.
 */
const SLOT = process.env.MOMENTS_TEST_SLOT ?? "";
export const OUTPUT = path.join(ROOT, "tests/.output", SLOT);
export const BUILD_DIR = SLOT ? path.join(ROOT, ".tmp", `build-${SLOT}`) : path.join(ROOT, "build");
export const TEMPLATE_DB = path.join(OUTPUT, "template.db");
export const SCREENSHOTS = path.join(OUTPUT, "screenshots");
