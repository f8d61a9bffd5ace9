package dev.actorkv.store.postgres;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A PostgreSQL connection URI in libpq's form,
 * {@code postgresql://[user[:password]@]host[:port][,host[:port]...]/dbname[?param=value&...]}
 * ({@code postgres://} too), translated to a pgjdbc URL and properties. The password comes from the URI,
 * else from {@code PGPASSWORD}. libpq's parameter names that pgjdbc spells differently are translated;
 * every other parameter goes to pgjdbc as it is (so {@code targetServerType=primary},
 * {@code sslmode=require} and the like work).
 *
 * @param hosts {@code host:port} of every host, in order
 */
public record PostgresUri(List<String> hosts, String database, String user, String password, Map<String, String> params) {
  /** Whether {@code s} names a PostgreSQL database rather than a directory. */
  public static boolean isUri(String s) {
    return s.startsWith("postgresql://") || s.startsWith("postgres://");
  }

  /**
   * Parses {@code uri}; {@code environmentPassword} is {@code PGPASSWORD} (or null).
   *
   * @throws InvalidStoreUriException naming what is wrong with it
   */
  public static PostgresUri parse(String uri, String environmentPassword) {
    if (!isUri(uri)) {
      throw new InvalidStoreUriException("not a PostgreSQL URI (postgresql://...): " + redact(uri));
    }
    String rest = uri.substring(uri.indexOf("://") + 3);
    String query = "";
    int q = rest.indexOf('?');
    if (q >= 0) {
      query = rest.substring(q + 1);
      rest = rest.substring(0, q);
    }
    String path = "";
    int slash = rest.indexOf('/');
    if (slash >= 0) {
      path = rest.substring(slash + 1);
      rest = rest.substring(0, slash);
    }
    String user = null;
    String password = null;
    int at = rest.lastIndexOf('@');
    if (at >= 0) {
      String userInfo = rest.substring(0, at);
      rest = rest.substring(at + 1);
      int colon = userInfo.indexOf(':');
      if (colon >= 0) {
        password = decode(userInfo.substring(colon + 1));
        userInfo = userInfo.substring(0, colon);
      }
      user = userInfo.isEmpty() ? null : decode(userInfo);
    }
    List<String> hosts = new ArrayList<>();
    for (String h : (rest.isEmpty() ? "localhost" : rest).split(",", -1)) {
      hosts.add(hostPort(h, uri));
    }
    Map<String, String> params = new LinkedHashMap<>();
    if (!query.isEmpty()) {
      for (String pair : query.split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        if (eq <= 0) {
          throw new InvalidStoreUriException("URI parameter \"" + pair + "\" is not name=value in " + redact(uri));
        }
        params.put(decode(pair.substring(0, eq)), decode(pair.substring(eq + 1)));
      }
    }
    // libpq allows the user, password and database as parameters too.
    if (params.containsKey("user")) {
      user = params.remove("user");
    }
    if (params.containsKey("password")) {
      password = params.remove("password");
    }
    String database = decode(path);
    if (params.containsKey("dbname")) {
      database = params.remove("dbname");
    }
    if (user == null) {
      user = System.getProperty("user.name");
    }
    if (database.isEmpty()) {
      database = user;
    }
    if (password == null) {
      password = environmentPassword;
    }
    return new PostgresUri(List.copyOf(hosts), database, user, password, params);
  }

  private static String hostPort(String h, String uri) {
    if (h.isEmpty()) {
      throw new InvalidStoreUriException("empty host in " + redact(uri));
    }
    String host = h;
    String port = "5432";
    if (h.startsWith("[")) { // an IPv6 literal
      int close = h.indexOf(']');
      if (close < 0) {
        throw new InvalidStoreUriException("unclosed [ in host " + h + " of " + redact(uri));
      }
      host = h.substring(0, close + 1);
      if (close + 1 < h.length()) {
        if (h.charAt(close + 1) != ':') {
          throw new InvalidStoreUriException("bad host " + h + " in " + redact(uri));
        }
        port = h.substring(close + 2);
      }
    } else {
      int colon = h.lastIndexOf(':');
      if (colon >= 0) {
        host = h.substring(0, colon);
        port = h.substring(colon + 1);
      }
    }
    if (!port.matches("[0-9]{1,5}") || Integer.parseInt(port) > 65535) {
      throw new InvalidStoreUriException("bad port \"" + port + "\" in " + redact(uri));
    }
    return decode(host) + ":" + port;
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new InvalidStoreUriException("bad percent-encoding in \"" + s + "\"");
    }
  }

  /** The pgjdbc URL (hosts and database; the rest goes in {@link #jdbcProperties()}). */
  public String jdbcUrl() {
    return "jdbc:postgresql://" + String.join(",", hosts) + "/" + java.net.URLEncoder.encode(database, StandardCharsets.UTF_8);
  }

  /** User, password and parameters as pgjdbc properties, libpq names translated. */
  public Properties jdbcProperties() {
    Properties p = new Properties();
    p.setProperty("user", user);
    if (password != null) {
      p.setProperty("password", password);
    }
    for (Map.Entry<String, String> e : params.entrySet()) {
      switch (e.getKey()) {
        case "connect_timeout" -> p.setProperty("connectTimeout", e.getValue());
        case "application_name" -> p.setProperty("ApplicationName", e.getValue());
        case "target_session_attrs" -> p.setProperty("targetServerType", switch (e.getValue()) {
          case "read-write", "primary" -> "primary";
          case "read-only", "standby" -> "secondary";
          case "prefer-standby" -> "preferSecondary";
          default -> "any";
        });
        default -> p.setProperty(e.getKey(), e.getValue());
      }
    }
    return p;
  }

  /** The URI without its password, for messages. */
  public String display() {
    StringBuilder sb = new StringBuilder("postgresql://").append(user).append('@').append(String.join(",", hosts)).append('/').append(database);
    if (!params.isEmpty()) {
      sb.append('?');
      params.forEach((k, v) -> sb.append(sb.charAt(sb.length() - 1) == '?' ? "" : "&").append(k).append('=').append(v));
    }
    return sb.toString();
  }

  /** {@code uri} with any password replaced by {@code ***}, for error messages about a URI that did not parse. */
  public static String redact(String uri) {
    return uri.replaceAll("(://[^:/@?]*):[^@/?]*@", "$1:***@").replaceAll("([?&]password=)[^&]*", "$1***");
  }

  @Override
  public String toString() {
    return display();
  }
}
