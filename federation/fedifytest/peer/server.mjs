// An independent ActivityPub peer for Bastide's tests, built with Fedify.
// It serves one Person ("peer") on 127.0.0.1, follows a Bastide Group on
// request, and logs every activity POSTed to its inboxes together with the
// verdict of Fedify's own HTTP signature verification.
//
//   PORT=0 node server.mjs        prints "LISTENING <port>" when ready
//   POST /control/follow {"target": "<actor URL>"}
//   GET  /control/log             the received activities
//   POST /control/down {"down": true|false}
//                                 while down, inboxes answer 503 (an outage)
import http from "node:http";
import { randomUUID } from "node:crypto";
import { createFederation, MemoryKvStore, generateCryptoKeyPair, verifyRequest } from "@fedify/fedify";
import { Accept, Create, Delete, Endpoints, Follow, Person, Undo, Update } from "@fedify/vocab";
import { getDocumentLoader } from "@fedify/vocab-runtime";

const documentLoader = getDocumentLoader({ allowPrivateAddress: true });
const federation = createFederation({ kv: new MemoryKvStore(), allowPrivateAddress: true });
let keyPair = null;
const log = [];
let down = false;

federation
  .setActorDispatcher("/users/{identifier}", async (ctx, identifier) => {
    if (identifier !== "peer") return null;
    const keys = await ctx.getActorKeyPairs(identifier);
    return new Person({
      id: ctx.getActorUri(identifier),
      preferredUsername: identifier,
      name: "Fedify peer",
      inbox: ctx.getInboxUri(identifier),
      endpoints: new Endpoints({ sharedInbox: ctx.getInboxUri() }),
      publicKey: keys[0].cryptographicKey,
      assertionMethods: keys.map((k) => k.multikey),
    });
  })
  .setKeyPairsDispatcher(async (_ctx, identifier) => {
    if (identifier !== "peer") return [];
    if (keyPair == null) keyPair = await generateCryptoKeyPair("RSASSA-PKCS1-v1_5");
    return [keyPair];
  });

// What Fedify itself makes of each activity, once it passed its checks.
const handled = (type) => async (_ctx, activity) => {
  const id = activity.id?.href;
  const entry = log.find((e) => e.id === id && e.handledBy == null);
  if (entry) entry.handledBy = type;
  else log.push({ id, handledBy: type });
};
federation
  .setInboxListeners("/users/{identifier}/inbox", "/inbox")
  .on(Accept, handled("Accept"))
  .on(Create, handled("Create"))
  .on(Update, handled("Update"))
  .on(Delete, handled("Delete"))
  .on(Undo, handled("Undo"));

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function toRequest(req, base, body) {
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) {
    if (Array.isArray(v)) v.forEach((x) => headers.append(k, x));
    else if (v != null) headers.set(k, v);
  }
  const init = { method: req.method, headers };
  if (body.length > 0 && req.method !== "GET" && req.method !== "HEAD") init.body = body;
  return new Request(new URL(req.url, base), init);
}

const server = http.createServer(async (req, res) => {
  const base = `http://${req.headers.host}`;
  try {
    const body = await readBody(req);
    const url = new URL(req.url, base);
    if (url.pathname === "/control/log") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(log));
      return;
    }
    if (url.pathname === "/control/down" && req.method === "POST") {
      down = JSON.parse(body.toString()).down === true;
      res.writeHead(204);
      res.end();
      return;
    }
    if (down && req.method === "POST" && url.pathname.endsWith("/inbox")) {
      res.writeHead(503, { "retry-after": "1" });
      res.end();
      return;
    }
    if (url.pathname === "/control/follow" && req.method === "POST") {
      const { target } = JSON.parse(body.toString());
      const ctx = federation.createContext(new URL(base), undefined);
      const actor = await ctx.lookupObject(target, { documentLoader });
      if (actor == null) throw new Error(`cannot look up ${target}`);
      await ctx.sendActivity(
        { identifier: "peer" },
        actor,
        new Follow({ id: new URL(`/follows/${randomUUID()}`, base), actor: ctx.getActorUri("peer"), object: actor.id }),
        { immediate: true },
      );
      res.writeHead(202);
      res.end();
      return;
    }
    const request = toRequest(req, base, body);
    if (req.method === "POST" && url.pathname.endsWith("/inbox")) {
      // Verify Bastide's signature explicitly, apart from Fedify's inbox
      // (which may also accept an embedded proof instead).
      const key = await verifyRequest(request.clone(), { documentLoader, contextLoader: documentLoader });
      let json = null;
      try { json = JSON.parse(body.toString()); } catch { /* logged as null */ }
      log.push({
        id: json?.id ?? null,
        type: json?.type ?? null,
        path: url.pathname,
        keyId: key?.id?.href ?? null,
        owner: key?.ownerId?.href ?? null,
        verified: key != null,
        signature: req.headers["signature"] ?? null,
        raw: json,
      });
    }
    const response = await federation.fetch(request, { contextData: undefined });
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  } catch (e) {
    res.writeHead(500, { "content-type": "text/plain" });
    res.end(String(e?.stack ?? e));
  }
});

server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => {
  console.log(`LISTENING ${server.address().port}`);
});
