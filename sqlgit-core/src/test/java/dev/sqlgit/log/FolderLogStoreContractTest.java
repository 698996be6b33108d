package dev.sqlgit.log;

import dev.sqlgit.internal.log.ClusterLayout;
import java.nio.file.Path;

class FolderLogStoreContractTest extends LogStoreContract {
  @Override
  protected LogStore openStore(Path dir) {
    return FolderLogStore.open(dir.resolve("cluster"));
  }

  @Override
  protected boolean supportsIdCharacters(String id) {
    return ClusterLayout.PEER_ID.matcher(id).matches();
  }
}
