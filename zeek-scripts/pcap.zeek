##! Scoring a pcap through the live path: hold processing until a sidecar subscribed,
##! and end with the end_of_input / sidecar_done handshake (network time stops after
##! a pcap, so timers cannot end the run).

@load base/frameworks/cluster
@load ./main
@load ./websocket
@load ./publish

module AutoZeekWatch;

# Processing is suspended on this node and waits for a sidecar.
global waiting_for_sidecar = F;

# This node has read all of its pcap.
global input_ended = F;

event zeek_init() &priority=10
	{
	if ( ! wait_for_sidecar )
		return;
	suspend_processing();
	waiting_for_sidecar = T;
	}

function sidecar_arrived()
	{
	# Workers hold their pcaps too, but the sidecar connects to the manager.
	if ( Cluster::is_enabled() && Cluster::local_node_type() == Cluster::MANAGER )
		Cluster::publish(Cluster::worker_topic, sidecar_ready);

	if ( ! waiting_for_sidecar )
		return;
	waiting_for_sidecar = F;
	continue_processing();
	}

@if ( Version::number >= 70200 )
# Handlers of this event run after the client's ack went out, so what follows reaches it.
event Cluster::websocket_client_added(endpoint: Cluster::EndpointInfo, subscriptions: string_vec)
	{
	sidecar_arrived();
	}
@else
event Broker::peer_added(endpoint: Broker::EndpointInfo, msg: string)
	{
	if ( ! Cluster::is_enabled() )
		sidecar_arrived();
	}
@endif

event AutoZeekWatch::sidecar_ready()
	{
	if ( ! waiting_for_sidecar )
		return;
	waiting_for_sidecar = F;
	continue_processing();
	}

event Pcap::file_done(path: string)
	{
	input_ended = T;
	flush_batches();

	local node = node_name();
	local shard = 0;
	while ( shard < shard_count() )
		{
		Cluster::publish(shard_topic(shard) + "end", end_of_input, node);
		++shard;
		}

	if ( Cluster::is_enabled() )
		{
		# A cluster node reading a pcap is done; with ZeroMQ it would idle forever.
		# The sidecar's sidecar_done goes to the manager only.
		if ( Cluster::local_node_type() != Cluster::MANAGER )
			terminate();
		return;
		}

	# Standalone: the WebSocket server keeps Zeek running, and without a sidecar
	# no sidecar_done will ever come.
	if ( listen_websocket && |connected_sidecars| == 0 )
		{
		Reporter::info("AutoZeekWatch: pcap done and no sidecar connected; terminating");
		terminate();
		}
	}

event AutoZeekWatch::sidecar_done(reason: string)
	{
	# Only the end of a pcap run ends Zeek; a live node outlives its sidecars.
	if ( ! input_ended )
		{
		Reporter::warning(fmt("AutoZeekWatch: sidecar_done (%s) before the end of input; ignored", reason));
		return;
		}
	Reporter::info(fmt("AutoZeekWatch: sidecar done: %s", reason));
	terminate();
	}
