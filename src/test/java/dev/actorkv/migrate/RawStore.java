package dev.actorkv.migrate;

import com.google.common.io.BaseEncoding;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

/** Every physical key and value of a closed store, bookkeeping included, read with RocksDB directly. */
public final class RawStore {
  private RawStore() {}

  /** Hex key to hex value, in key order. */
  public static Map<String, String> dump(Path dir) throws RocksDBException {
    BaseEncoding hex = BaseEncoding.base16().lowerCase();
    Map<String, String> out = new LinkedHashMap<>();
    try (Options o = new Options(); RocksDB db = RocksDB.openReadOnly(o, dir.toString()); RocksIterator it = db.newIterator()) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        out.put(hex.encode(it.key()), hex.encode(it.value()));
      }
      it.status();
    }
    return out;
  }
}
