package org.planwatch.serve;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Set;

/**
 * Who may listen where. On the loopback address only local users can connect, so the Thrift server's
 * default (no login check) is acceptable; on any other address a login check must be configured.
 */
public final class BindPolicy {
  /** hive.server2.authentication values that check a login (NONE and NOSASL accept anyone). */
  public static final Set<String> CHECKING = Set.of("LDAP", "KERBEROS", "CUSTOM", "PAM");

  public static final String AUTHENTICATION = "hive.server2.authentication";

  private BindPolicy() {}

  /**
   * Throws when {@code host} is reachable from other machines and {@code authentication} (the
   * effective hive.server2.authentication, null when unset) does not check logins.
   */
  public static void check(String host, String authentication) {
    if (isLoopback(host)) {
      return;
    }
    String mode = authentication == null ? "NONE" : authentication.trim().toUpperCase(Locale.ROOT);
    if (!CHECKING.contains(mode)) {
      throw new IllegalArgumentException(
          "refusing to listen on " + host + " without authentication (" + AUTHENTICATION + " is " + mode
              + "): anyone who reaches the port could read every table. Configure LDAP, KERBEROS, CUSTOM"
              + " (e.g. --conf " + AUTHENTICATION + "=CUSTOM with planwatch's password file) or PAM as"
              + " docs/bi.md explains, or keep the default --host 127.0.0.1");
    }
  }

  static boolean isLoopback(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("unknown host " + host, e);
    }
  }
}
