package io.kubeway.dataplane.host;

import java.io.IOException;
import java.util.List;

/** How {@link ServiceAddresses} runs iproute2: {@link IpCommand} on a host, a fake interface table in tests. */
interface HostIp {
    HostIp IPROUTE2 = new HostIp() {
        @Override
        public String run(String... args) throws IOException {
            return IpCommand.run(args);
        }

        @Override
        public String batch(List<String> lines) throws IOException {
            return IpCommand.batch(lines);
        }
    };

    /** See {@link IpCommand#run}. */
    String run(String... args) throws IOException;

    /** See {@link IpCommand#batch}. */
    String batch(List<String> lines) throws IOException;
}
