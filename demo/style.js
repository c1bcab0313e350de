// ANSI styling for the demo. Honours NO_COLOR (https://no-color.org) and FORCE_COLOR.
const env = process.env;
const enabled =
  env['FORCE_COLOR'] !== undefined && env['FORCE_COLOR'] !== ''
    ? env['FORCE_COLOR'] !== '0'
    : (env['NO_COLOR'] === undefined || env['NO_COLOR'] === '') && process.stdout.isTTY;

/** @param {string} open @param {string} close */
function style(open, close) {
  return (/** @type {string} */ text) => (enabled ? `\x1b[${open}m${text}\x1b[${close}m` : text);
}

export const bold = style('1', '22');
export const dim = style('2', '22');
export const red = style('31', '39');
export const green = style('32', '39');
export const yellow = style('33', '39');
export const cyan = style('36', '39');
export const inverseRed = style('41;97', '49;39');
export const inverseGreen = style('42;30', '49;39');
