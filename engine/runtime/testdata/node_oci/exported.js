// No fdk.handle call: the runtime falls back to the named export.
exports.check = async (input, ctx) => ({ active: true, principal: input.token, callID: ctx.callID });
