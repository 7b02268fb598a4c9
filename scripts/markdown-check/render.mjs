// Renders each Markdown file named on the command line to HTML beside it
// (<file>.html) with marked in its GitHub-flavoured mode (tables, raw HTML
// such as <details>, fenced code), as GitHub renders a pull-request comment.
// The ui tests read the HTML and assert on its visible text.
import { readFileSync, writeFileSync } from "node:fs";
import { marked } from "marked";

let failed = false;
for (const file of process.argv.slice(2)) {
  try {
    const html = marked.parse(readFileSync(file, "utf8"), { gfm: true, async: false });
    writeFileSync(file + ".html", html);
    console.log("ok " + file);
  } catch (err) {
    failed = true;
    console.log("FAIL " + file + ": " + err.message);
  }
}
process.exit(failed ? 1 : 0);
