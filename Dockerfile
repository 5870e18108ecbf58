# authlab with the interpreters its function runtimes call: python3 for
# runtime: python, node for runtime: node.
#
#   docker build -t authlab .
#   docker run --rm -v "$PWD:/work" authlab run scenarios/
#   docker run --rm -p 8080:8080 -v "$PWD:/work" authlab serve --listen 0.0.0.0:8080
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=devel
ARG COMMIT=
RUN CGO_ENABLED=0 go build -trimpath \
      -ldflags "-s -w -X github.com/authlab/authlab/cmd/cli.version=${VERSION} -X github.com/authlab/authlab/cmd/cli.commit=${COMMIT}" \
      -o /out/authlab ./cmd/authlab

FROM node:22-bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 ca-certificates \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /out/authlab /usr/local/bin/authlab
RUN useradd --create-home --uid 10001 authlab
USER authlab
WORKDIR /work
ENTRYPOINT ["authlab"]
CMD ["--help"]
