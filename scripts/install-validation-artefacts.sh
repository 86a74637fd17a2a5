#!/usr/bin/env bash
# Puts the official Peppol validation artefacts and an XSLT processor in the local Maven repository, for the tests
# that check the hub's Invoice Responses with Peppol's own rules (test/domain/invoice-response.test.ts):
#   com.helger.phive.rules:phive-rules-peppol  the OpenPeppol schematrons compiled to XSLT (PEPPOLBIS-T111.xslt …)
#   net.sf.saxon:Saxon-HE (+ org.xmlresolver:xmlresolver)  runs them (XSLT 2.0)
# Resolving is idempotent: Maven downloads only what ~/.m2 lacks. Prints one line per jar: NAME=PATH.
set -euo pipefail

repo=${MAVEN_REPO:-$HOME/.m2/repository}
phive_version=${PHIVE_RULES_PEPPOL_VERSION:-4.0.0}
saxon_version=${SAXON_HE_VERSION:-12.5}
xmlresolver_version=${XMLRESOLVER_VERSION:-5.2.2}

if ! command -v java >/dev/null 2>&1; then
  echo "validation artefacts: java is missing (Debian: apt-get install -y default-jre-headless)" >&2
  exit 1
fi

jar_path() { # group artifact version
  echo "$repo/${1//.//}/$2/$3/$2-$3.jar"
}

resolve() { # group artifact version transitive
  local jar
  jar=$(jar_path "$1" "$2" "$3")
  if [ ! -s "$jar" ]; then
    if ! command -v mvn >/dev/null 2>&1; then
      echo "validation artefacts: $jar is missing and mvn is not installed (Debian: apt-get install -y maven)" >&2
      exit 1
    fi
    mvn -q -Dmaven.repo.local="$repo" dependency:get -Dartifact="$1:$2:$3" -Dtransitive="$4" >&2
  fi
  if [ ! -s "$jar" ]; then
    echo "validation artefacts: Maven did not produce $jar" >&2
    exit 1
  fi
  echo "$jar"
}

phive=$(resolve com.helger.phive.rules phive-rules-peppol "$phive_version" false)
# Saxon-HE brings xmlresolver as its dependency.
saxon=$(resolve net.sf.saxon Saxon-HE "$saxon_version" true)
xmlresolver=$(resolve org.xmlresolver xmlresolver "$xmlresolver_version" false)

echo "PHIVE_RULES_PEPPOL_JAR=$phive"
echo "SAXON_HE_JAR=$saxon"
echo "XMLRESOLVER_JAR=$xmlresolver"
