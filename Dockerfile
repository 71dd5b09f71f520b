# syntax=docker/dockerfile:1

# Build stage: dependencies are compiled in their own layer, so a change to src/ rebuilds
# only koteshen itself.
FROM rust:1.95-slim-bookworm AS build
WORKDIR /app
COPY Cargo.toml Cargo.lock ./
RUN mkdir src \
    && echo 'fn main() {}' > src/main.rs \
    && touch src/lib.rs \
    && cargo build --release --locked \
    && rm -rf src
COPY migrations ./migrations
COPY src ./src
# touch: the dummy files above are newer than nothing; make cargo rebuild the real ones.
RUN touch src/main.rs src/lib.rs && cargo build --release --locked

# Runtime stage: the binary and the CA certificates webhook deliveries verify TLS with
# (without them the webhook client cannot be set up), run as an unprivileged user.
FROM debian:bookworm-slim AS runtime
# Unpinned on purpose: CA certificates should be the distribution's newest.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --system --uid 10001 --user-group --no-create-home --shell /usr/sbin/nologin koteshen
COPY --from=build /app/target/release/koteshen /usr/local/bin/koteshen
USER 10001:10001
ENV HOST=0.0.0.0 \
    PORT=3000 \
    LOG_FORMAT=json
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
    CMD ["koteshen", "healthcheck"]
ENTRYPOINT ["koteshen"]
CMD ["serve"]
