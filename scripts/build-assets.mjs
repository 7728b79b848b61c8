// Copies the front-end packages installed by `npm ci` into Django's static tree.
// Nothing is hand-vendored: the versions come from package-lock.json.
import { copyFileSync, mkdirSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const vendor = join(root, "src", "motcua", "static", "vendor");
const files = [
  ["htmx.org/dist/htmx.min.js", "htmx.min.js"],
];

mkdirSync(vendor, { recursive: true });
for (const [from, to] of files) {
  const source = join(root, "node_modules", from);
  if (!existsSync(source)) {
    console.error(`missing ${source}: run npm ci first`);
    process.exit(1);
  }
  copyFileSync(source, join(vendor, to));
  console.log(`static/vendor/${to} <- node_modules/${from}`);
}
