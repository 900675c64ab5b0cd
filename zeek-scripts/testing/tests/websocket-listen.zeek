# @TEST-DOC: listen_websocket=T starts the WebSocket server with this Zeek version's API, and a pcap run with no sidecar connected ends by itself.
# @TEST-PORT: AZW_WEBSOCKET_PORT
# @TEST-EXEC: zeek -r $TRACES/autozeekwatch-mixed.pcap $PACKAGE AutoZeekWatch::listen_websocket=T AutoZeekWatch::websocket_port=${AZW_WEBSOCKET_PORT} >output 2>&1
# @TEST-EXEC: grep -q 'AutoZeekWatch: listening for sidecars on ws://127.0.0.1:' reporter.log
# @TEST-EXEC: grep -q 'AutoZeekWatch: pcap done and no sidecar connected; terminating' reporter.log
# @TEST-EXEC-FAIL: grep -q 'Reporter::ERROR' reporter.log
