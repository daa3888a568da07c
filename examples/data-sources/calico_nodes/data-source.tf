# Every route reflector, with its address and AS: for example to configure the other end of
# each top-of-rack session with a switch vendor's provider.
data "calico_nodes" "route_reflectors" {
  selector = "route-reflector == 'true'"
}

output "reflector_neighbors" {
  value = {
    for n in data.calico_nodes.route_reflectors.nodes : n.name => {
      ip        = split("/", n.ipv4_address)[0]
      as_number = n.as_number
    }
  }
}
