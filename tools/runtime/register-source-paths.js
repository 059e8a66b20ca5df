// Resolves the `@cep/<lib>` aliases of tsconfig.base.json to their TypeScript sources, for code that runs
// outside Jest's module mapper (Jest globalSetup) while a TS require hook is active.
const path = require('path');
const Module = require('module');
const { compilerOptions } = require('../../tsconfig.base.json');

const root = path.resolve(__dirname, '../..');
const aliases = new Map(Object.entries(compilerOptions.paths).map(([alias, [target]]) => [alias, path.join(root, target)]));
if (!Module.__cepSourcePaths) {
  Module.__cepSourcePaths = true;
  const original = Module._resolveFilename;
  Module._resolveFilename = function (request, ...rest) {
    const mapped = aliases.get(request);
    return original.call(this, mapped ?? request, ...rest);
  };
}
