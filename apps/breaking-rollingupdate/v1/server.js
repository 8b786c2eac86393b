// Version 1 of the course's server: the session is the authTokenV1 cookie.
// The tutorial's fix: v2 replaces authTokenV1 with authTokenV2, so a user who
// met v2 during the rolling update (or before a rollback) holds authTokenV2
// only; v1 accepts it too. ACCEPT_V2_TOKEN=false gives the course's original
// v1, which shows the break.
const crypto = require('node:crypto');
const express = require('express');
const cookieParser = require('cookie-parser');

const acceptV2Token = process.env.ACCEPT_V2_TOKEN !== 'false';
const app = express();
app.use(cookieParser());

app.get('/', (req, res) => {
  const { authTokenV1, authTokenV2 } = req.cookies;
  if (authTokenV1 || (acceptV2Token && authTokenV2)) {
    res.send('Authenticated\n');
    return;
  }
  res.cookie('authTokenV1', crypto.randomBytes(16).toString('hex'), { httpOnly: true });
  res.send('Not authenticated\n');
});

const port = Number(process.env.PORT || 8080);
app.listen(port, () => console.log(`v1 listening on ${port}`));
