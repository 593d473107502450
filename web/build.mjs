// Copy the front-end libraries the explorer page uses from node_modules into api/static/vendor.
// The page loads them from there: intranets are offline, so nothing comes from a CDN at run time.
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "api", "static", "vendor");
const files = [
  ["cytoscape/dist/cytoscape.min.js", "cytoscape.min.js"],
  ["cytoscape/LICENSE", "cytoscape.LICENSE.txt"],
];

mkdirSync(out, { recursive: true });
for (const [src, dst] of files) {
  copyFileSync(join(here, "node_modules", src), join(out, dst));
}
console.log(`copied ${files.length} files to ${out}`);
