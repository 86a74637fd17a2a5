#!/usr/bin/python3
"""Verifies signed invoices with libxmlsec (python3-xmlsec + lxml) in one process, for bench/verify.ts.

Usage: /usr/bin/python3 bench/xmlsec_verify.py --trusted ROOT.pem [--trusted CA.pem ...] FILE...

Each file is read into memory before the clock starts; the timed loop parses the bytes with lxml, registers the
Id attributes (so the XAdES SignedProperties reference resolves), and verifies the first ds:Signature with a
keys manager that trusts only the given CA certificates: the signing certificate comes from ds:KeyInfo and must
chain to one of them. Prints one JSON object: how many verified, which failed and why, and the seconds taken.
"""
import argparse
import json
import sys
import time

import xmlsec
from lxml import etree

DSIG_NS = "http://www.w3.org/2000/09/xmldsig#"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--trusted", action="append", required=True)
    parser.add_argument("files", nargs="+")
    args = parser.parse_args()

    manager = xmlsec.KeysManager()
    for path in args.trusted:
        manager.load_cert(path, xmlsec.constants.KeyDataFormatPem, xmlsec.constants.KeyDataTypeTrusted)

    documents = []
    for path in args.files:
        with open(path, "rb") as handle:
            documents.append((path, handle.read()))

    # No DTDs, no network, no entity expansion: the same posture as the hub's parser.
    xml_parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    failures = []
    verified = 0
    started = time.perf_counter()
    for path, data in documents:
        try:
            root = etree.fromstring(data, xml_parser)
            xmlsec.tree.add_ids(root, ["Id"])
            signature = root.find(".//{%s}Signature" % DSIG_NS)
            if signature is None:
                raise ValueError("no ds:Signature")
            context = xmlsec.SignatureContext(manager)
            context.verify(signature)
            verified += 1
        except Exception as error:  # every failure is reported, never swallowed
            failures.append({"file": path, "error": f"{type(error).__name__}: {error}"})
    seconds = time.perf_counter() - started

    json.dump(
        {
            "verified": verified,
            "failed": failures,
            "seconds": seconds,
            "xmlsec": xmlsec.__version__,
            "lxml": etree.__version__,
            "libxml2": ".".join(map(str, etree.LIBXML_VERSION)),
            "python": sys.version.split()[0],
        },
        sys.stdout,
    )
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main())
