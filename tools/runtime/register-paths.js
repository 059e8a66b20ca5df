// Production module resolution for the compiled output (dist/): maps the `@cep/<lib>` aliases of
// tsconfig.base.json to dist/libs/<lib>/src/index.js. Used as `node -r ./tools/runtime/register-paths.js`.
const path = require('path');
const Module = require('module');
const { compilerOptions } = require('../../tsconfig.base.json');

const distRoot = path.resolve(__dirname, '../../dist');
const aliases = new Map(
  Object.entries(compilerOptions.paths).map(([alias, [target]]) => [alias, path.join(distRoot, target.replace(/\.ts$/, '.js'))]),
);
const original = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  const mapped = aliases.get(request);
  return original.call(this, mapped ?? request, ...rest);
};
