'use strict';
// Reached through pkgdir/package.json "main".
module.exports = { viaPackageMain: true };
