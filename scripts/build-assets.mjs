// Copies the front-end packages installed by `npm ci` into Django's static tree.
// Nothing is hand-vendored: the versions come from package-lock.json.
import { copyFileSync, mkdirSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const vendor = join(root, "src", "motcua", "static", "vendor");
// Source maps are copied too: collectstatic's manifest storage follows sourceMappingURL comments.
const files = [
  ["htmx.org/dist/htmx.min.js", "htmx.min.js"],
  // Map field (procedures/fields/map.html): Leaflet and its drawing plugin Leaflet-Geoman.
  ["leaflet/dist/leaflet.js", "leaflet/leaflet.js"],
  ["leaflet/dist/leaflet.js.map", "leaflet/leaflet.js.map"],
  ["leaflet/dist/leaflet.css", "leaflet/leaflet.css"],
  ["leaflet/dist/images/layers.png", "leaflet/images/layers.png"],
  ["leaflet/dist/images/layers-2x.png", "leaflet/images/layers-2x.png"],
  ["leaflet/dist/images/marker-icon.png", "leaflet/images/marker-icon.png"],
  ["leaflet/dist/images/marker-icon-2x.png", "leaflet/images/marker-icon-2x.png"],
  ["leaflet/dist/images/marker-shadow.png", "leaflet/images/marker-shadow.png"],
  ["@geoman-io/leaflet-geoman-free/dist/leaflet-geoman.min.js", "leaflet-geoman/leaflet-geoman.min.js"],
  ["@geoman-io/leaflet-geoman-free/dist/leaflet-geoman.min.js.map", "leaflet-geoman/leaflet-geoman.min.js.map"],
  ["@geoman-io/leaflet-geoman-free/dist/leaflet-geoman.css", "leaflet-geoman/leaflet-geoman.css"],
  ["@geoman-io/leaflet-geoman-free/dist/leaflet-geoman.css.map", "leaflet-geoman/leaflet-geoman.css.map"],
];

for (const [from, to] of files) {
  const source = join(root, "node_modules", from);
  if (!existsSync(source)) {
    console.error(`missing ${source}: run npm ci first`);
    process.exit(1);
  }
  const target = join(vendor, to);
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(source, target);
  console.log(`static/vendor/${to} <- node_modules/${from}`);
}
