package org.planwatch.serve;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.security.sasl.AuthenticationException;
import org.apache.hadoop.conf.Configurable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hive.service.auth.PasswdAuthenticationProvider;

/**
 * Logins for {@code planwatch serve} without an LDAP or Kerberos service: a file of
 * {@code user:pbkdf2-sha256:iterations:salt:hash} lines (salted PBKDF2, base64), written by
 * {@code planwatch serve --add-user NAME --password-file FILE}. Plugged into the Thrift server as its
 * CUSTOM authentication class; the file is read at every login, so adding a user needs no restart.
 */
public final class PasswordFile implements PasswdAuthenticationProvider, Configurable {
  /** The setting naming the file (serve --password-file sets it). */
  public static final String SETTING = "planwatch.serve.password.file";
  private static final String SCHEME = "pbkdf2-sha256";
  private static final int ITERATIONS = 210_000;

  private Configuration conf;
  private Path file;

  public PasswordFile() {}

  PasswordFile(Path file) {
    this.file = file;
  }

  @Override
  public void setConf(Configuration conf) {
    this.conf = conf;
    String configured = conf.get(SETTING);
    if (configured != null) {
      file = Path.of(configured);
    }
  }

  @Override
  public Configuration getConf() {
    return conf;
  }

  @Override
  public void Authenticate(String user, String password) throws AuthenticationException {
    if (file == null) {
      throw new AuthenticationException("no password file configured (" + SETTING + ")");
    }
    Optional<String> entry = entry(file, user);
    if (entry.isEmpty() || password == null || !matches(entry.get(), password.toCharArray())) {
      throw new AuthenticationException("wrong user or password for " + user);
    }
  }

  /** Adds or replaces the user's line. */
  public static void setPassword(Path file, String user, char[] password) {
    if (user.isEmpty() || user.contains(":") || user.contains("\n")) {
      throw new IllegalArgumentException("a user name must be non-empty, without ':' or line breaks: '" + user + "'");
    }
    byte[] salt = new byte[16];
    new SecureRandom().nextBytes(salt);
    Base64.Encoder b64 = Base64.getEncoder();
    String line = String.join(":", user, SCHEME, Integer.toString(ITERATIONS), b64.encodeToString(salt),
        b64.encodeToString(derive(password, salt, ITERATIONS)));
    try {
      List<String> kept = Files.exists(file)
          ? Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter(l -> !l.startsWith(user + ":")).toList()
          : List.of();
      Files.write(file, kept, StandardCharsets.UTF_8);
      Files.writeString(file, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the password file " + file, e);
    }
  }

  private static Optional<String> entry(Path file, String user) throws AuthenticationException {
    try {
      return Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter(l -> l.startsWith(user + ":")).findFirst();
    } catch (IOException e) {
      throw new AuthenticationException("cannot read the password file " + file, e);
    }
  }

  private static boolean matches(String entry, char[] password) {
    String[] parts = entry.split(":");
    if (parts.length != 5 || !parts[1].equals(SCHEME)) {
      return false;
    }
    Base64.Decoder b64 = Base64.getDecoder();
    byte[] expected = b64.decode(parts[4]);
    return MessageDigest.isEqual(expected, derive(password, b64.decode(parts[3]), Integer.parseInt(parts[2])));
  }

  private static byte[] derive(char[] password, byte[] salt, int iterations) {
    try {
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
          .generateSecret(new PBEKeySpec(password, salt, iterations, 256)).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
