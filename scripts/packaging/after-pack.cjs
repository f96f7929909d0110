// electron-builder afterPack hook: sets Electron's fuses in the packaged binary before it is signed
// and wrapped in an installer. Fuses are bits compiled into the executable; turning these off removes
// ways to run the app as a plain Node (RunAsNode, NODE_OPTIONS, --inspect) or to load code from
// outside the checked app.asar. Needs the devDependency @electron/fuses.
const { join } = require('node:path');

/** The fuses and their values, by @electron/fuses' FuseV1Options names (tests/unit/packaging.test.ts checks them). */
const FUSES = {
  RunAsNode: false,
  EnableCookieEncryption: true,
  EnableNodeOptionsEnvironmentVariable: false,
  EnableNodeCliInspectArguments: false,
  EnableEmbeddedAsarIntegrityValidation: true,
  OnlyLoadAppFromAsar: true,
  LoadBrowserProcessSpecificV8Snapshot: false,
  GrantFileProtocolExtraPrivileges: false,
};

/** Where electron-builder put the executable for each platform. */
function executablePath(context) {
  const { appOutDir, electronPlatformName, packager } = context;
  if (electronPlatformName === 'darwin' || electronPlatformName === 'mas') return join(appOutDir, `${packager.appInfo.productFilename}.app`);
  if (electronPlatformName === 'win32') return join(appOutDir, `${packager.appInfo.productFilename}.exe`);
  return join(appOutDir, packager.executableName);
}

async function afterPack(context) {
  const { flipFuses, FuseVersion, FuseV1Options } = await import('@electron/fuses');
  const fuses = { version: FuseVersion.V1, resetAdHocDarwinSignature: context.electronPlatformName === 'darwin' && context.arch !== undefined };
  for (const [name, value] of Object.entries(FUSES)) {
    if (!(name in FuseV1Options)) throw new Error(`@electron/fuses has no fuse ${name}`);
    fuses[FuseV1Options[name]] = value;
  }
  await flipFuses(executablePath(context), fuses);
}

module.exports = afterPack;
module.exports.default = afterPack;
module.exports.FUSES = FUSES;
module.exports.executablePath = executablePath;
