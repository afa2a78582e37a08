// Uint8Array's own methods, called on a Buffer (`setBytes.call(buffer, source, at)`) rather than looked
// up on it: `buffer.set` and `buffer.copyWithin` went through V8's generic property lookup on Buffer's
// prototype chain on every call, about 9 % of filling a document (perf, issue 9).
export const setBytes = Uint8Array.prototype.set
export const copyWithin = Uint8Array.prototype.copyWithin
