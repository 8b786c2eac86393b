// Version 2 of the course's server: the session is the authTokenV2 cookie. A
// user who logged in with v1 keeps the session: v2 swaps their authTokenV1
// for an authTokenV2 of the same value.
const crypto = require('node:crypto');
const express = require('express');
const cookieParser = require('cookie-parser');

const app = express();
app.use(cookieParser());

app.get('/', (req, res) => {
  const { authTokenV1, authTokenV2 } = req.cookies;
  if (authTokenV1) {
    res.clearCookie('authTokenV1');
    res.cookie('authTokenV2', authTokenV1, { httpOnly: true });
    res.send('Authenticated\n');
    return;
  }
  if (authTokenV2) {
    res.send('Authenticated\n');
    return;
  }
  res.cookie('authTokenV2', crypto.randomBytes(16).toString('hex'), { httpOnly: true });
  res.send('Not authenticated\n');
});

const port = Number(process.env.PORT || 8080);
app.listen(port, () => console.log(`v2 listening on ${port}`));
