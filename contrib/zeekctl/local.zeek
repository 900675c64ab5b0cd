# Lines to add to <zeek prefix>/share/zeek/site/local.zeek for AutoZeekWatch
# (`zkg install autozeekwatch` first). Every node loads local.zeek.

# Load every zkg-installed package; or load only this one with `@load autozeekwatch`.
@load packages

# The manager's WebSocket server (zeekctl UseWebSocket) is used; the package must not start its own.
redef AutoZeekWatch::listen_websocket = F;

# Records of these streams are published to the sidecar (the default: all five it has models for).
redef AutoZeekWatch::streams = { Conn::LOG, HTTP::LOG, DNS::LOG, SSH::LOG, SSL::LOG };

# One sidecar: shard 0 only. With N sidecars set shards to N and give sidecar k `zeek.shard: k/N`.
redef AutoZeekWatch::shards = 1;

# Batching: latency stays well under a second.
redef AutoZeekWatch::batch_size = 50;
redef AutoZeekWatch::batch_interval = 100msec;

# NetControl drops are refused unless enabled here AND in the sidecar (mitigation.enabled).
redef AutoZeekWatch::mitigation_enabled = F;
# Enforced by Zeek whatever the sidecar asks (gateways, DNS servers, the sensor itself);
# keep it in step with mitigation.never_block. Example:
# redef AutoZeekWatch::never_block += { 192.0.2.0/24 };
# At most one anomaly / mitigation Notice per host in this interval.
redef AutoZeekWatch::notice_suppression = 10min;

# ZeroMQ cluster backend (zeekctl's default since Zeek 8.1): without these, bursts are dropped
# between workers, the manager and the sidecar (the sidecar counts them as sequence gaps).
# xpub_sndhwm=0 is needed on the publishing workers, onloop_queue_hwm=0 on the manager that hosts
# the WebSocket server; set on every node here. 0 means unbounded: a stuck sidecar grows Zeek's
# memory instead of losing records. Remove both lines on a Broker-backend cluster.
redef Cluster::Backend::ZeroMQ::xpub_sndhwm = 0;
redef Cluster::Backend::ZeroMQ::onloop_queue_hwm = 0;
