// Test fixture: a handler file that exists, so the loader's file check passes.
exports.handler = async () => { throw new Error("Unauthorized"); };
