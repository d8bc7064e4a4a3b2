/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json', diagnostics: { warnOnly: false } }],
    // d3 ships ES modules only; Node runs them from CommonJS (and tsup bundles them into dist/), but jest
    // before Node 24.9 needs them compiled to CommonJS.
    '^.+/node_modules/(d3-[^/]+|internmap)/.+\\.m?js$': ['babel-jest', { plugins: ['@babel/plugin-transform-modules-commonjs'] }],
  },
  transformIgnorePatterns: ['/node_modules/(?!(d3-[^/]+|internmap)/)'],
  // openapi-fetch and partysocket ship ESM as their default; jest resolves their `require` builds.
  testTimeout: 30000,
};
