##! Starts Zeek's WebSocket server for the sidecar when asked to, picking the API
##! of the running Zeek version, and keeps track of the connected sidecars.

@load base/misc/version
@load base/frameworks/cluster
@load ./main

# Standalone Zeek >= 8.1 runs without a cluster backend: publishing is then a no-op
# and WebSocket clients with subscriptions are never acked. Broker was the standalone
# default until 8.0, so restore it; clusters (Cluster::nodes set) keep their backend.
@if ( Version::number >= 80100 )
@if ( Cluster::backend == Cluster::CLUSTER_BACKEND_NONE && |Cluster::nodes| == 0 )
@load frameworks/cluster/backend/broker
@endif
@endif

# Broker's own WebSocket server (the only one before 7.2) speaks TLS with anonymous
# ciphers by default, which common clients refuse; a standalone node has no Broker
# peers that would need it.
@if ( Version::number < 70200 && |Cluster::nodes| == 0 )
redef Broker::disable_ssl = T;
@endif

module AutoZeekWatch;

export {
	## Endpoint ids of the WebSocket clients connected to this node.
	global connected_sidecars: set[string] = set();
}

event zeek_init() &priority=-10
	{
	if ( ! listen_websocket )
		return;

	local where = fmt("%s:%s", websocket_addr, websocket_port);
	local listening = F;
@if ( Version::number >= 80000 )
	listening = Cluster::listen_websocket([$listen_addr=websocket_addr, $listen_port=websocket_port]);
@else
@if ( Version::number >= 70200 )
	listening = Cluster::listen_websocket([$listen_host=cat(websocket_addr), $listen_port=websocket_port]);
@else
	listening = port_to_count(Broker::listen_websocket(cat(websocket_addr), websocket_port)) != 0;
@endif
@endif

	if ( listening )
		Reporter::info(fmt("AutoZeekWatch: listening for sidecars on ws://%s/v1/messages/json", where));
	else if ( wait_for_sidecar )
		# No sidecar could ever connect, and processing stays suspended.
		Reporter::fatal(fmt("AutoZeekWatch: cannot listen for sidecars on %s", where));
	else
		Reporter::error(fmt("AutoZeekWatch: cannot listen for sidecars on %s", where));
	}

@if ( Version::number >= 70200 )
event Cluster::websocket_client_added(endpoint: Cluster::EndpointInfo, subscriptions: string_vec)
	{
	add connected_sidecars[endpoint$id];
	}

@if ( Version::number >= 80000 )
event Cluster::websocket_client_lost(endpoint: Cluster::EndpointInfo, code: count, reason: string)
@else
event Cluster::websocket_client_lost(endpoint: Cluster::EndpointInfo)
@endif
	{
	delete connected_sidecars[endpoint$id];
	}
@else
# Before 7.2 a WebSocket client of Broker's server shows up as a Broker peer.
event Broker::peer_added(endpoint: Broker::EndpointInfo, msg: string)
	{
	add connected_sidecars[endpoint$id];
	}

event Broker::peer_lost(endpoint: Broker::EndpointInfo, msg: string)
	{
	delete connected_sidecars[endpoint$id];
	}
@endif
