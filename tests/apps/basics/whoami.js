'use strict';
// Reports what the loader gave this module: parent, main, filename, loaded flag.
const path = require('path');
module.exports = {
  parentId: module.parent ? module.parent.id : String(module.parent),
  isMain: require.main === module,
  mainFile: path.basename(require.main.filename),
  filename: path.basename(__filename),
  loadedDuringLoad: module.loaded,
  id: path.basename(module.id),
};
