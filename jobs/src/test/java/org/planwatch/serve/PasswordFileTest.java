package org.planwatch.serve;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import javax.security.sasl.AuthenticationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PasswordFileTest {
  @Test
  void acceptsTheRightPasswordOnlyAndKeepsNoPasswordInTheFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("users");
    PasswordFile.setPassword(file, "analyst", "huzhou-2025".toCharArray());
    PasswordFile.setPassword(file, "statistician", "wuxing".toCharArray());
    PasswordFile logins = new PasswordFile(file);

    assertDoesNotThrow(() -> logins.Authenticate("analyst", "huzhou-2025"));
    assertThrows(AuthenticationException.class, () -> logins.Authenticate("analyst", "huzhou-2024"));
    assertThrows(AuthenticationException.class, () -> logins.Authenticate("nobody", "huzhou-2025"));
    String stored = Files.readString(file);
    assertFalse(stored.contains("huzhou-2025"));
    assertTrue(stored.startsWith("analyst:pbkdf2-sha256:210000:"), stored);
  }

  @Test
  void settingAPasswordAgainReplacesTheUsersLine(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("users");
    PasswordFile.setPassword(file, "analyst", "old".toCharArray());
    PasswordFile.setPassword(file, "analyst", "new".toCharArray());
    PasswordFile logins = new PasswordFile(file);
    assertEquals(1, Files.readAllLines(file).size());
    assertDoesNotThrow(() -> logins.Authenticate("analyst", "new"));
    assertThrows(AuthenticationException.class, () -> logins.Authenticate("analyst", "old"));
  }

  @Test
  void listeningBeyondLoopbackNeedsALoginCheck() {
    assertDoesNotThrow(() -> BindPolicy.check("127.0.0.1", null));
    assertDoesNotThrow(() -> BindPolicy.check("localhost", "NONE"));
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> BindPolicy.check("0.0.0.0", null));
    assertTrue(refused.getMessage().startsWith("refusing to listen on 0.0.0.0 without authentication (hive.server2.authentication is NONE)"),
        refused.getMessage());
    assertThrows(IllegalArgumentException.class, () -> BindPolicy.check("0.0.0.0", "NOSASL"));
    assertDoesNotThrow(() -> BindPolicy.check("0.0.0.0", "custom"));
    assertDoesNotThrow(() -> BindPolicy.check("0.0.0.0", "LDAP"));
  }
}
