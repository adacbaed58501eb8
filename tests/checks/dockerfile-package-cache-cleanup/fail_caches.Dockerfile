# expect: 17: apt-get install runs without -y, so the build stops at the confirmation prompt
# expect: 19: "apt-get update" runs without an install in the same RUN, so later installs may use a stale package index
# expect: 20: apt-get install runs without -y, so the build stops at the confirmation prompt
# expect: 23: "apt-get update" runs without an install in the same RUN, so later installs may use a stale package index
# expect: 24: apt-get install leaves /var/lib/apt/lists in the layer; add "rm -rf /var/lib/apt/lists/*" to the same RUN
# expect: 24: apt-get install without --no-install-recommends also installs recommended packages
# expect: 25: RUN uses "apt", whose command line is meant for people, not scripts; use apt-get
# expect: 25: apt install leaves /var/lib/apt/lists in the layer; add "rm -rf /var/lib/apt/lists/*" to the same RUN
# expect: 26: apk add without --no-cache keeps the package index in the layer
# expect: 27: pip install without --no-cache-dir keeps the pip cache in the layer
# expect: 28: yarn install without "yarn cache clean" keeps the yarn cache in the layer
# expect: 29: dnf install without "dnf clean all" keeps the package cache in the layer
# expect: 30: zypper install without "zypper clean" keeps the package cache in the layer
# expect: 31: yum install without "yum clean all" keeps the package cache in the layer
FROM debian:12 AS build
# a build stage: only correctness problems matter here, its layers never ship
RUN apt-get install gcc
RUN pip install -r requirements.txt
RUN apt-get update
RUN apt-get install curl

FROM debian:12
RUN apt-get update
RUN apt-get install -y curl
RUN apt update && apt install -y --no-install-recommends git
RUN apk add curl
RUN pip3 install -r requirements.txt
RUN yarn install --frozen-lockfile
RUN dnf install -y jq-1.6
RUN zypper install -y git-core=2.43
RUN yum install -y make-4.3
