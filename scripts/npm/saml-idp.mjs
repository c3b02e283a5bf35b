// A SAML identity provider for tests, built on Auth0's samlp middleware
// (an IdP library atmos-auth did not write): a sign-in form, a session
// cookie, and signed SAML 2.0 responses carrying AWS's Role,
// RoleSessionName and SessionDuration attributes, posted by the browser to
// the AWS SAML endpoint given (--acs).
//
//   node saml-idp.mjs --key K --cert C --port-file F [--acs URL] [--user U]
//        [--password P] [--role ROLE_ARN,PROVIDER_ARN]... [--duration S]
//        [--autofill]
//
// GET  /sso     the IdP-initiated sign-in for AWS (the provider's url)
// GET  /login   the sign-in form; POST /login checks it
// GET  /stats   {"views": n, "logins": n, "failures": n, "assertions": n}
//               (sign-in form views, sign-ins, wrong passwords, responses)
//
// --autofill adds a script to the sign-in form that types the test user's
// name and password and submits it, as a person would: the browser then
// does the real form post, cookie and SAML post. It is left out when the
// form shows an error, so a wrong password ends in the error page.
import fs from "node:fs";
import crypto from "node:crypto";
import express from "express";
import samlp from "samlp";

const args = process.argv.slice(2);
const opt = { roles: [], acs: "https://signin.aws.amazon.com/saml", user: "alice", password: "wonderland", duration: "3600", port: "0" };
for (let i = 0; i < args.length; i++) {
  const a = args[i].replace(/^--/, "");
  if (a === "autofill") { opt.autofill = true; continue; }
  const v = args[++i];
  if (a === "role") opt.roles.push(v); else opt[a.replace(/-/g, "_")] = v;
}
if (opt.roles.length === 0) {
  opt.roles.push("arn:aws:iam::123456789012:role/SAMLAdmin,arn:aws:iam::123456789012:saml-provider/test-idp");
}
const key = fs.readFileSync(opt.key), cert = fs.readFileSync(opt.cert);
const stats = { views: 0, logins: 0, failures: 0, assertions: 0 };
const sessions = new Set();

const html = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const cookie = (req) => {
  const m = /(?:^|;\s*)idp_session=([0-9a-f]+)/.exec(req.headers.cookie || "");
  return m && sessions.has(m[1]) ? m[1] : null;
};

class AWSProfile {
  constructor(user) { this.user = user; }
  getClaims() {
    return {
      "https://aws.amazon.com/SAML/Attributes/Role": opt.roles,
      "https://aws.amazon.com/SAML/Attributes/RoleSessionName": this.user,
      "https://aws.amazon.com/SAML/Attributes/SessionDuration": opt.duration,
    };
  }
  getNameIdentifier() {
    return { nameIdentifier: this.user, nameIdentifierFormat: "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent" };
  }
}
AWSProfile.prototype.metadata = [];

const app = express();
app.use(express.urlencoded({ extended: false }));

app.get("/login", (req, res) => {
  stats.views++;
  const err = req.query.error ? `<p id="error">${html(req.query.error)}</p>` : "";
  const fill = opt.autofill && !err
    ? `<script>addEventListener("load", () => { document.getElementById("username").value = ${JSON.stringify(opt.user)}; document.getElementById("password").value = ${JSON.stringify(opt.autofill_password || opt.password)}; document.getElementById("signin").click(); });</script>`
    : "";
  res.type("html").send(`<!doctype html><title>Test IdP sign-in</title>${err}
<form method="post" action="/login"><input type="hidden" name="next" value="${html(req.query.next || "/sso")}">
<label>User <input id="username" name="username"></label><label>Password <input id="password" name="password" type="password"></label>
<button id="signin" type="submit">Sign in</button></form>${fill}`);
});

app.post("/login", (req, res) => {
  const next = typeof req.body.next === "string" && req.body.next.startsWith("/") && !req.body.next.startsWith("//") ? req.body.next : "/sso";
  if (req.body.username !== opt.user || req.body.password !== opt.password) {
    stats.failures++;
    return res.redirect(`/login?error=${encodeURIComponent("Wrong username or password")}&next=${encodeURIComponent(next)}`);
  }
  stats.logins++;
  const id = crypto.randomBytes(16).toString("hex");
  sessions.add(id);
  res.setHeader("Set-Cookie", `idp_session=${id}; Path=/; HttpOnly; SameSite=Lax; Max-Age=3600`);
  res.redirect(next);
});

app.get("/sso", (req, res, next) => {
  const s = cookie(req);
  if (!s) return res.redirect("/login?next=/sso");
  req.user = opt.user;
  stats.assertions++;
  samlp.auth({
    issuer: "urn:test:samlp-idp",
    cert, key,
    audience: "urn:amazon:webservices",
    recipient: opt.acs,
    destination: opt.acs,
    lifetimeInSeconds: 300,
    getUserFromRequest: (r) => r.user,
    profileMapper: (u) => new AWSProfile(u),
    getPostURL: (aud, dom, r, cb) => cb(null, opt.acs),
  })(req, res, next);
});

app.get("/stats", (req, res) => res.json(stats));

const server = app.listen(Number(opt.port), "127.0.0.1", () => {
  const port = server.address().port;
  if (opt.port_file) {
    fs.writeFileSync(opt.port_file + ".tmp", String(port));
    fs.renameSync(opt.port_file + ".tmp", opt.port_file);
  }
  console.log(`samlp IdP on http://127.0.0.1:${port}/sso posting to ${opt.acs}`);
});
process.on("SIGTERM", () => process.exit(0));
