# syntax=docker/dockerfile:1
# The platform function's runtime image: a static binary on distroless, run
# as nonroot. `make build` compiles with the same flags, so CI proves this
# build works even where no Docker engine is available.
FROM golang:1.26 AS build
WORKDIR /src
ENV CGO_ENABLED=0
COPY go.mod go.sum ./
RUN go mod download
COPY apis/ apis/
COPY functions/ functions/
RUN go build -trimpath -ldflags="-s -w" -o /function ./functions/platform

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /function /function
COPY package/function/crossplane.yaml /package.yaml
EXPOSE 9443
USER 65532:65532
ENTRYPOINT ["/function"]
