package io.nxs.sync;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.treewalk.TreeWalk;

/** A bare git repository on disk (made and read with JGit) standing for the shared remote. */
final class BareRemote {

  final Path dir;

  private BareRemote(Path dir) {
    this.dir = dir;
  }

  static BareRemote create(Path dir) throws GitAPIException {
    Git.init().setBare(true).setDirectory(dir.toFile()).setInitialBranch("main").call().close();
    return new BareRemote(dir);
  }

  String url() {
    return dir.toString();
  }

  Repository open() throws IOException {
    return new FileRepositoryBuilder().setGitDir(dir.toFile()).setBare().build();
  }

  /** The files of the branch head, by path, as text; empty when the branch has no commit. */
  Map<String, String> files() throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Repository repo = open()) {
      Ref head = repo.exactRef("refs/heads/main");
      if (head == null) {
        return out;
      }
      try (RevWalk walk = new RevWalk(repo);
          TreeWalk tw = new TreeWalk(repo)) {
        tw.addTree(walk.parseCommit(head.getObjectId()).getTree());
        tw.setRecursive(true);
        while (tw.next()) {
          out.put(
              tw.getPathString(),
              new String(repo.open(tw.getObjectId(0)).getBytes(), StandardCharsets.UTF_8));
        }
      }
    }
    return out;
  }

  /** Every path in every commit of every branch. */
  List<String> everyPathEverCommitted() throws IOException {
    List<String> out = new ArrayList<>();
    try (Repository repo = open();
        RevWalk walk = new RevWalk(repo)) {
      for (Ref r : repo.getRefDatabase().getRefs()) {
        walk.markStart(walk.parseCommit(r.getObjectId()));
      }
      for (RevCommit c : walk) {
        try (TreeWalk tw = new TreeWalk(repo)) {
          tw.addTree(c.getTree());
          tw.setRecursive(true);
          while (tw.next()) {
            out.add(tw.getPathString());
          }
        }
      }
    }
    return out;
  }

  /** Whether the object database holds a blob with exactly this content, reachable or not. */
  boolean holdsBlob(String content) throws IOException {
    try (Repository repo = open();
        ObjectInserter.Formatter f = new ObjectInserter.Formatter()) {
      ObjectId id = f.idFor(Constants.OBJ_BLOB, content.getBytes(StandardCharsets.UTF_8));
      return repo.getObjectDatabase().has(id);
    }
  }

  /** The number of commits on the branch. */
  int commits() throws IOException {
    try (Repository repo = open();
        RevWalk walk = new RevWalk(repo)) {
      Ref head = repo.exactRef("refs/heads/main");
      if (head == null) {
        return 0;
      }
      walk.markStart(walk.parseCommit(head.getObjectId()));
      int n = 0;
      for (RevCommit c : walk) {
        n++;
      }
      return n;
    }
  }

  /**
   * Reads every object reachable from the branch (commits, trees, blobs): throws when one is
   * missing or damaged.
   */
  int checkConnectivity() throws IOException {
    try (Repository repo = open();
        org.eclipse.jgit.revwalk.ObjectWalk walk = new org.eclipse.jgit.revwalk.ObjectWalk(repo)) {
      Ref head = repo.exactRef("refs/heads/main");
      walk.markStart(walk.parseCommit(head.getObjectId()));
      int objects = 0;
      while (walk.next() != null) {
        objects++;
      }
      for (org.eclipse.jgit.revwalk.RevObject o = walk.nextObject();
          o != null;
          o = walk.nextObject()) {
        repo.open(o).getBytes(Integer.MAX_VALUE);
        objects++;
      }
      return objects;
    }
  }
}
