#!/usr/bin/env python3
"""AS2 (RFC 4130) test peer built on pyas2lib 1.4.4: a sending partner and a small reference receiver.

Run with the venv that scripts/install-peers.sh makes: .tools/as2venv/bin/python test/peers/pyas2/as2peer.py ...

  send  --url URL --as2-from ID --as2-to ID --key KEY.pem --cert CERT.pem --partner-cert CERT.pem
        --payload FILE --content-type TYPE [--sign none|sha1|sha256|sha384|sha512]
        [--encrypt none|3des|aes128|aes192|aes256] [--compress] [--mdn none|sync|async] [--mdn-signed]
        [--async-port PORT] [--message-id ID] [--timeout SECONDS]
     prints one JSON line: {"peer": "pyas2lib", "messageId", "httpStatus", "mdn": {...}, "error"?}
     exit 0 when pyas2lib judged the MDN positive (and verified it, when a signed MDN was asked for), else 1;
     2 on bad arguments.

  serve --port P --as2-id ID --key KEY.pem --cert CERT.pem --partner-cert SENDER_CERT.pem --partner-id ID
        --out DIR [--host 127.0.0.1]
     receives AS2 messages at any path, lets pyas2lib decrypt, verify and decompress them, writes the payload
     to DIR/<message id>.payload and what was found to DIR/<message id>.json (a refused message, e.g. a
     duplicate, only to DIR/<message id>.refused-<n>.json), and answers the MDN the sender asked for (sync or
     async, signed when asked). Prints {"listening": URL, "port": P} once ready (--port 0 picks a free port);
     stops on SIGTERM/SIGINT.

What pyas2lib checks of an MDN (Mdn.parse, pyas2lib/as2.py), which is all this tool relies on:
  - the MDN is a multipart/report, or a multipart/signed holding one (else "mdn-not-found");
  - the original message is found through find_message_cb by the MDN's Original-Message-ID (this tool answers
    only for the message it sent, so a wrong Original-Message-ID fails as "original-message-not-found");
  - when a signed MDN was asked for (Partner.mdn_digest_alg), an unsigned one is refused;
  - a signed MDN: the CMS signature is verified with the partner's certificate (--partner-cert; certificates
    inside the signature are ignored), over the first MIME part as received, then over its canonical form;
    the signed message-digest attribute must match; the partner certificate must pass OpenSSL chain
    verification (a self-signed one is its own trust anchor) which also checks its validity period;
  - the disposition: "processed" is positive; anything else is returned as the status;
  - Received-Content-MIC: compared (base64 value only, not the algorithm name) with the MIC pyas2lib computed
    when signing, when both exist; a mismatch turns the status into "processed/warning". pyas2lib computes a
    MIC only for signed messages, so for unsigned ones micMatches is null whatever the MDN carries.
"""

import argparse
import contextlib
import email
import email.encoders
import http.client
import http.server
import json
import logging
import os
import re
import signal
import socket
import sys
import threading
import time
import traceback
import types
import urllib.parse

import pyas2lib.as2 as pyas2lib_as2
from pyas2lib import Mdn, Message, Organization, Partner

PEER = "pyas2lib"
SIGN_ALGS = ("none", "sha1", "sha256", "sha384", "sha512")
# pyas2lib's names (pyas2lib.constants.ENCRYPTION_ALGORITHMS) for the command-line names.
ENC_ALGS = {
    "none": None,
    "3des": "tripledes_192_cbc",
    "aes128": "aes_128_cbc",
    "aes192": "aes_192_cbc",
    "aes256": "aes_256_cbc",
}

log = logging.getLogger("as2peer")


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(message)


def read_file(path):
    with open(path, "rb") as f:
        return f.read()


def key_and_cert(key_path, cert_path):
    # pyas2lib's Organization.load_key takes one PEM blob holding the private key and its certificate.
    return read_file(key_path) + b"\n" + read_file(cert_path)


@contextlib.contextmanager
def binary_transfer_encoding():
    """Makes pyas2lib's Message.build mark the payload part Content-Transfer-Encoding: binary.

    pyas2lib 1.4.4 has no setting for this: Message.build uses binary only when the content type starts
    with application/octet-stream, and otherwise calls email.encoders.encode_7or8bit, after which the
    payload is written with CRLF line ends (an LF-only XML invoice arrives altered). With binary, pyas2lib's
    own code paths (BinaryBytesGenerator when writing, canonicalize() when signing and computing the MIC)
    keep the bytes exactly. Message.build calls encode_7or8bit only for the payload part, so swapping it
    for the duration of build() affects nothing else (encode_base64 for the signature stays as it is)."""

    def encode_binary(msg):
        msg["Content-Transfer-Encoding"] = "binary"

    saved = pyas2lib_as2.encoders
    pyas2lib_as2.encoders = types.SimpleNamespace(
        encode_7or8bit=encode_binary, encode_base64=email.encoders.encode_base64
    )
    try:
        yield
    finally:
        pyas2lib_as2.encoders = saved


def raw_http_message(headers, body):
    """Headers and body as the raw bytes that pyas2lib's Message.parse / Mdn.parse take."""
    head = "".join(f"{k}: {v}\r\n" for k, v in headers)
    return head.encode("utf-8", "surrogateescape") + b"\r\n" + body


def read_request_body(handler):
    """Body of an http.server request, with or without chunked transfer coding."""
    if "chunked" in handler.headers.get("Transfer-Encoding", "").lower():
        chunks = []
        while True:
            size_line = handler.rfile.readline()
            size = int(size_line.split(b";")[0].strip() or b"0", 16)
            if size == 0:
                while handler.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass
                break
            chunks.append(handler.rfile.read(size))
            handler.rfile.readline()
        return b"".join(chunks)
    length = int(handler.headers.get("Content-Length") or 0)
    return handler.rfile.read(length) if length else b""


def normalize_disposition(value):
    """'automatic-action/MDN-sent-automatically; processed/Error: decryption-failed' -> 'processed/error: decryption-failed'."""
    if not value:
        return None
    status = value.split(";", 1)[-1]
    status = re.sub(r"\s+", " ", status).strip().lower()
    return re.sub(r"\s*:\s*", ": ", status)


def mdn_report_fields(mdn_payload):
    """Disposition and Received-Content-MIC of a multipart/report that pyas2lib parsed (read, not checked)."""
    if mdn_payload is None:
        return None, None
    for part in mdn_payload.walk():
        if part.get_content_type() == "message/disposition-notification":
            fields = part.get_payload()[-1]
            return fields.get("Disposition"), fields.get("Received-Content-MIC")
    return None, None


def post(url, headers, body, timeout):
    parts = urllib.parse.urlsplit(url)
    conn_class = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    conn = conn_class(parts.hostname, parts.port, timeout=timeout)
    try:
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        conn.request("POST", path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        conn.close()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _QuietHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        log.info("%s %s", self.address_string(), fmt % args)


# ---------------------------------------------------------------------------------------------------------
# send


def evaluate_mdn(raw, message, mdn_signed_requested):
    """Lets pyas2lib parse and verify an MDN; returns the "mdn" object of the output and whether it passed."""
    mdn = Mdn()
    # pyas2lib calls this with the MDN's Original-Message-ID and Original-Recipient; it must return the
    # Message the MDN answers, whose receiver (Partner) supplies the verification certificate and whose
    # mic the Received-Content-MIC is compared with.
    status, detailed = mdn.parse(
        raw, find_message_cb=lambda mid, _rcpt: message if mid == message.message_id else None
    )
    signed = email.message_from_bytes(raw).get_content_type() == "multipart/signed"
    disposition, mic_field = mdn_report_fields(mdn.payload if mdn.payload is not None else None)
    # Mdn.parse sets digest_alg only after verify_message succeeded on a signed MDN.
    if signed:
        signature_verified = mdn.digest_alg is not None
    else:
        signature_verified = False if mdn_signed_requested else None
    # pyas2lib compares the MIC only when it has one (signed messages), the MDN carries one, and parsing got as far
    # as a "processed" disposition: then "processed" means equal, and this warning means different.
    if message.mic is None or not mic_field:
        mic_matches = None
    elif status == "processed":
        mic_matches = True
    elif status == "processed/warning" and detailed == "Message Integrity check failed.":
        mic_matches = False
    else:
        mic_matches = None
    # What an MDN says is reported only when pyas2lib accepted it as authentic (as the as2-lib peer does).
    trusted = signature_verified is not False
    result = {
        "received": True,
        "disposition": normalize_disposition(disposition) if trusted else None,
        "signed": signed,
        "signatureVerified": signature_verified,
        "micMatches": mic_matches if trusted else None,
        "originalMessageId": mdn.orig_message_id if trusted else None,
    }
    ok = status == "processed" and (signature_verified is True or not mdn_signed_requested)
    error = None if ok else f"pyas2lib: MDN status {status!r}" + (f" ({detailed})" if detailed else "")
    return result, ok, error


def start_async_mdn_listener(port, message, mdn_signed_requested):
    """Listens on 127.0.0.1:port for the asynchronous MDN; the result appears in state once it came."""
    state = {"result": None, "ok": False, "error": None, "event": threading.Event()}

    class Handler(_QuietHandler):
        def do_POST(self):
            body = read_request_body(self)
            raw = raw_http_message(self.headers.items(), body)
            try:
                result, ok, error = evaluate_mdn(raw, message, mdn_signed_requested)
            except Exception as e:  # pragma: no cover - pyas2lib catches its own errors
                result, ok, error = None, False, f"pyas2lib: {e}"
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()
            if not state["event"].is_set():
                state.update(result=result, ok=ok, error=error)
                state["event"].set()

    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    return server, state


def send(args):
    deadline = time.monotonic() + args.timeout
    payload = read_file(args.payload)
    async_port = None
    mdn_url = None
    if args.mdn == "async":
        async_port = args.async_port or free_port()
        mdn_url = f"http://127.0.0.1:{async_port}/mdn"

    message_id_left, domain = None, None
    if args.message_id:
        if "@" in args.message_id:
            message_id_left, domain = args.message_id.rsplit("@", 1)
        else:
            message_id_left = args.message_id

    org = Organization(
        as2_name=args.as2_from,
        sign_key=key_and_cert(args.key, args.cert),
        decrypt_key=key_and_cert(args.key, args.cert),
        mdn_url=mdn_url,
        domain=domain,
    )
    sign = args.sign != "none"
    partner_cert = read_file(args.partner_cert)
    partner = Partner(
        as2_name=args.as2_to,
        verify_cert=partner_cert,
        encrypt_cert=partner_cert,
        validate_certs=True,
        compress=args.compress,
        sign=sign,
        digest_alg=args.sign if sign else "sha256",
        encrypt=args.encrypt != "none",
        enc_alg=ENC_ALGS[args.encrypt] or "tripledes_192_cbc",
        mdn_mode={"none": None, "sync": "SYNC", "async": "ASYNC"}[args.mdn],
        # Asks for a signed MDN (Disposition-Notification-Options) and makes Mdn.parse refuse an unsigned one.
        mdn_digest_alg=(args.sign if sign else "sha256") if args.mdn_signed else None,
    )
    message = Message(org, partner)
    with binary_transfer_encoding():
        message.build(
            payload,
            filename=os.path.basename(args.payload),
            content_type=args.content_type,
            message_id=message_id_left,
        )
    if args.message_id and "@" not in args.message_id:
        # pyas2lib always appends "@<domain>"; the Message-ID header is outside what is signed or digested.
        message.message_id = args.message_id
        message.payload.replace_header("Message-ID", f"<{args.message_id}>")

    out = {"peer": PEER, "messageId": message.message_id, "httpStatus": None, "mdn": None}
    no_mdn = {
        "received": False,
        "disposition": None,
        "signed": False,
        "signatureVerified": None,
        "micMatches": None,
        "originalMessageId": None,
    }
    server, state = (None, None)
    if async_port:
        server, state = start_async_mdn_listener(async_port, message, args.mdn_signed)
    ok = False
    try:
        status, headers, body = post(
            args.url, message.headers, message.content, max(1.0, deadline - time.monotonic())
        )
        out["httpStatus"] = status
        if not 200 <= status < 300:
            out["mdn"] = no_mdn
            out["error"] = f"HTTP {status}: {body[:500].decode('utf-8', 'replace')}"
        elif args.mdn == "none":
            out["mdn"] = no_mdn
            ok = True
        elif args.mdn == "sync":
            if not body:
                out["mdn"] = no_mdn
                out["error"] = "no synchronous MDN in the HTTP response"
            else:
                result, ok, error = evaluate_mdn(raw_http_message(headers, body), message, args.mdn_signed)
                out["mdn"] = result
                if error:
                    out["error"] = error
        else:
            if state["event"].wait(max(0.0, deadline - time.monotonic())):
                out["mdn"] = state["result"] or no_mdn
                ok = state["ok"]
                if state["error"]:
                    out["error"] = state["error"]
            else:
                out["mdn"] = no_mdn
                out["error"] = f"no asynchronous MDN within {args.timeout} s"
    except Exception as e:
        out["mdn"] = out["mdn"] or no_mdn
        out["error"] = f"{type(e).__name__}: {e}"
        log.debug("%s", traceback.format_exc())
    finally:
        if server:
            server.shutdown()
            server.server_close()
    print(json.dumps(out), flush=True)
    return 0 if ok else 1


# ---------------------------------------------------------------------------------------------------------
# serve


def safe_name(message_id):
    return re.sub(r"[^A-Za-z0-9._@-]", "_", message_id or "unknown")[:200]


def serve(args):
    org = Organization(
        as2_name=args.as2_id,
        sign_key=key_and_cert(args.key, args.cert),
        decrypt_key=key_and_cert(args.key, args.cert),
    )
    partner_cert = read_file(args.partner_cert)
    # sign/encrypt False: accept plain, signed, encrypted and compressed messages alike (the tests vary them).
    partner = Partner(
        as2_name=args.partner_id,
        verify_cert=partner_cert,
        encrypt_cert=partner_cert,
        validate_certs=True,
    )
    os.makedirs(args.out, exist_ok=True)
    seen = set()
    seen_lock = threading.Lock()
    counter = [0]

    def deliver_async_mdn(mdn):
        try:
            status, _headers, _body = post(mdn.mdn_url, mdn.headers, mdn.content, 30)
            log.info("async MDN for %s posted to %s: HTTP %s", mdn.orig_message_id, mdn.mdn_url, status)
        except Exception as e:
            log.error("async MDN for %s to %s failed: %s", mdn.orig_message_id, mdn.mdn_url, e)

    class Handler(_QuietHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", "3")
            self.end_headers()
            self.wfile.write(b"ok\n")

        def do_POST(self):
            body = read_request_body(self)
            raw = raw_http_message(self.headers.items(), body)
            message = Message()
            with seen_lock:
                status, (exc, _tb), mdn = message.parse(
                    raw,
                    find_org_cb=lambda as2_id: org if as2_id == args.as2_id else None,
                    find_partner_cb=lambda as2_id: partner if as2_id == args.partner_id else None,
                    find_message_cb=lambda mid, pid: (mid, pid) in seen,
                )
                if status == "processed":
                    seen.add((message.message_id, args.partner_id))
            name = safe_name(message.message_id)
            record = {
                "messageId": message.message_id,
                "status": status,
                "error": str(exc) if exc else None,
                "signed": message.signed,
                "digestAlg": message.digest_alg,
                "encrypted": message.encrypted,
                "encAlg": message.enc_alg,
                "compressed": message.compressed,
                "mic": message.mic.decode() if message.mic else None,
                "contentType": message.payload.get_content_type() if message.payload is not None else None,
                "headers": {k: v for k, v in self.headers.items()},
                "mdn": None if mdn is None else {"mode": mdn.mdn_mode, "url": mdn.mdn_url},
            }
            if status == "processed":
                with open(os.path.join(args.out, name + ".payload"), "wb") as f:
                    f.write(message.content)
                record_path = os.path.join(args.out, name + ".json")
            else:
                # A refused message (duplicate, bad signature, ...) never overwrites what was accepted.
                with seen_lock:
                    counter[0] += 1
                    record_path = os.path.join(args.out, f"{name}.refused-{counter[0]}.json")
            with open(record_path, "w") as f:
                json.dump(record, f, indent=2)
            log.info("message %s: %s %s", message.message_id, status, exc or "")

            if mdn is not None and mdn.mdn_mode == "SYNC":
                content = mdn.content
                self.send_response(200)
                for k, v in mdn.headers.items():
                    if k.lower() != "content-length":
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)
                return
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()
            self.wfile.flush()
            if mdn is not None:
                threading.Thread(target=deliver_async_mdn, args=(mdn,), daemon=True).start()

    server = http.server.ThreadingHTTPServer((args.host, args.port), Handler)
    server.daemon_threads = True
    host, port = server.server_address[:2]

    def stop(_signum, _frame):
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(json.dumps({"listening": f"http://{host}:{port}/as2", "port": port}), flush=True)
    server.serve_forever()
    server.server_close()
    return 0


# ---------------------------------------------------------------------------------------------------------


def main(argv):
    logging.basicConfig(
        level=os.environ.get("AS2PEER_LOG", "WARNING").upper(),
        stream=sys.stderr,
        format="%(asctime)s %(name)s %(levelname)s %(message)s",
    )
    parser = _Parser(prog="as2peer.py")
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("send")
    s.add_argument("--url", required=True)
    s.add_argument("--as2-from", required=True)
    s.add_argument("--as2-to", required=True)
    s.add_argument("--key", required=True)
    s.add_argument("--cert", required=True)
    s.add_argument("--partner-cert", required=True)
    s.add_argument("--payload", required=True)
    s.add_argument("--content-type", required=True)
    s.add_argument("--sign", choices=SIGN_ALGS, default="none")
    s.add_argument("--encrypt", choices=tuple(ENC_ALGS), default="none")
    s.add_argument("--compress", action="store_true")
    s.add_argument("--mdn", choices=("none", "sync", "async"), default="sync")
    s.add_argument("--mdn-signed", action="store_true")
    s.add_argument("--async-port", type=int)
    s.add_argument("--message-id")
    s.add_argument("--timeout", type=float, default=30.0)
    r = sub.add_parser("serve")
    r.add_argument("--port", type=int, required=True)
    r.add_argument("--host", default="127.0.0.1")
    r.add_argument("--as2-id", required=True)
    r.add_argument("--key", required=True)
    r.add_argument("--cert", required=True)
    r.add_argument("--partner-cert", required=True)
    r.add_argument("--partner-id", required=True)
    r.add_argument("--out", required=True)
    try:
        args = parser.parse_args(argv)
    except UsageError as e:
        print(f"as2peer.py: {e}", file=sys.stderr)
        return 2
    if args.command == "send":
        return send(args)
    return serve(args)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
