const fdk = require('@fnproject/fdk');
fdk.handle(() => ({ active: true }));
fdk.handle(() => ({ active: false }));
