exports.handler = async () => ({ principalId: 'user', context: { ok: true } });
