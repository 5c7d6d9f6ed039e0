package dev.sightline.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.netty.util.NetUtil;
import org.junit.jupiter.api.Test;

import dev.sightline.config.Config;
import dev.sightline.config.ConfigException;

/** Who a request comes from behind trusted proxies, and what a client is counted by. */
class ClientAddressesTest {

    static ClientAddresses trusting(String setting) {
        return ClientAddresses.from(new Config(k -> Optional.ofNullable(Map.of(ClientAddresses.SETTING, setting).get(k))));
    }

    static InetAddress ip(String s) {
        return NetUtil.createInetAddressFromIpAddressString(s);
    }

    static String behind(ClientAddresses c, String peer, String... forwardedFor) {
        return c.forwardedClient(ip(peer), List.of(forwardedFor)).getHostAddress();
    }

    @Test
    void theRightmostAddressNoTrustedProxyWroteIsTheClient() {
        ClientAddresses c = trusting(" 10.0.0.0/8, 192.0.2.1 ,fd00::/8");
        // whatever the client wrote itself (left) is not believed: the proxy appended the address it saw
        assertThat(behind(c, "10.0.0.5", "198.51.100.1, 203.0.113.7")).isEqualTo("203.0.113.7");
        // past further trusted proxies, also over several header lines
        assertThat(behind(c, "10.0.0.5", "203.0.113.7, 192.0.2.1", "10.9.9.9")).isEqualTo("203.0.113.7");
        assertThat(behind(c, "fd00::1", "[2001:db8::1]:4711")).isEqualTo("2001:db8:0:0:0:0:0:1");
        assertThat(behind(c, "10.0.0.5", "203.0.113.7:4711")).isEqualTo("203.0.113.7");
        assertThat(behind(c, "10.0.0.5", "2001:db8::2")).isEqualTo("2001:db8:0:0:0:0:0:2");
        // an entry that is no address ends the walk at the proxy that wrote it; one further left is never reached
        assertThat(behind(c, "10.0.0.5", "203.0.113.7, unknown")).isEqualTo("10.0.0.5");
        assertThat(behind(c, "10.0.0.5", "unknown, 203.0.113.7")).isEqualTo("203.0.113.7");
        assertThat(behind(c, "10.0.0.5", "proxy.example.com")).isEqualTo("10.0.0.5");
        assertThat(behind(c, "10.0.0.5")).isEqualTo("10.0.0.5");
        // only trusted proxies' headers are read at all
        assertThat(ClientAddresses.key(c.forwardedClient(ip("203.0.113.9"), List.of("198.51.100.1"))))
                .isEqualTo("203.0.113.9");
    }

    @Test
    void anIpv6ClientCountsByItsSlash64AndAMappedIpv4AddressAsIpv4() {
        assertThat(ClientAddresses.key(ip("2001:db8:1:2:aaaa::1"))).isEqualTo("2001:db8:1:2::/64");
        assertThat(ClientAddresses.key(ip("2001:db8:1:2:ffff:1:2:3"))).isEqualTo("2001:db8:1:2::/64");
        assertThat(ClientAddresses.key(ip("2001:db8:1:3::1"))).isEqualTo("2001:db8:1:3::/64");
        assertThat(ClientAddresses.key(ip("::ffff:203.0.113.7"))).isEqualTo("203.0.113.7");
        assertThat(ClientAddresses.key(ip("203.0.113.7"))).isEqualTo("203.0.113.7");
        assertThat(ClientAddresses.key(ip("::1"))).isEqualTo("0:0:0:0:0:0:0:1");
    }

    @Test
    void aSettingThatIsNoAddressOrRangeIsRefusedByName() {
        // none trusted: X-Forwarded-For is never read
        assertThat(behind(trusting(""), "10.0.0.5", "203.0.113.7")).isEqualTo("10.0.0.5");
        for (String bad : List.of("proxy.example.com", "10.0.0.0/33", "10.0.0.0/x", "fd00::/129", "10.0.0.0/-1", "0.0.0.0/0", "::/0",
                "10.0.0.1, nginx")) {
            assertThatThrownBy(() -> trusting(bad)).as(bad).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("sightline.http.trusted-proxies");
        }
    }
}
