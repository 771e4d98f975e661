// A small C++ face on libpq (the only file that includes it): connections by URI, queries with
// text parameters and text results, transactions that roll back unless committed, and a pool
// that a portal's server threads share. libpq does the protocol, TLS and authentication.
//
// Threading: a Connection is used by one thread at a time; ConnectionPool is safe from any.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kiosk/core/error.hpp"

namespace shubbak::postgres {

// A query's rows, every value as text (NULL as nullopt).
class Result {
 public:
  int rows() const { return static_cast<int>(m_rows.size()); }
  const std::optional<std::string>& at(int row, int column) const {
    return m_rows[static_cast<std::size_t>(row)][static_cast<std::size_t>(column)];
  }
  std::string text(int row, int column) const { return at(row, column).value_or(""); }
  // The value as a 64-bit integer; 0 for NULL or anything that is not one.
  std::int64_t integer(int row, int column) const;
  std::int64_t affected() const { return m_affected; }

 private:
  friend class Connection;
  std::vector<std::vector<std::optional<std::string>>> m_rows;
  std::int64_t m_affected = 0;
};

using Params = std::vector<std::optional<std::string>>;

class Connection {
 public:
  // `uri`: libpq's connection URI or key=value string. Errc::io when the server cannot be
  // reached or refuses, with libpq's message.
  static Expected<Connection> connect(std::string_view uri);
  ~Connection();
  Connection(Connection&& other) noexcept;
  Connection& operator=(Connection&& other) noexcept;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs one statement ($1, $2… for `params`, sent as text). Errc::io when the connection is
  // lost, Errc::integrity for a constraint the statement broke, Errc::internal otherwise; the
  // message carries the server's.
  Expected<Result> query(std::string_view sql, const Params& params = {});
  // Runs `sql`, which may hold several statements and takes no parameters (a migration).
  Expected<void> run_script(std::string_view sql);
  // True while the connection is up; a broken one is reset by the pool.
  bool healthy() const;
  Expected<void> reset();

 private:
  explicit Connection(void* conn) : m_conn(conn) {}
  void* m_conn = nullptr;  // PGconn
};

// Rolls back on destruction unless commit() succeeded.
class Transaction {
 public:
  static Expected<Transaction> begin(Connection& connection);
  ~Transaction();
  Transaction(Transaction&& other) noexcept;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  Transaction& operator=(Transaction&&) = delete;

  Expected<void> commit();

 private:
  explicit Transaction(Connection& connection) : m_connection(&connection) {}
  Connection* m_connection;
};

// A PostgreSQL text array literal ({"a","b"}) of `values`, for `$n::text[]` parameters.
std::string text_array(const std::vector<std::string>& values);

class ConnectionPool {
 public:
  ConnectionPool(std::string uri, int size) : m_uri(std::move(uri)), m_size(size) {}

  class Lease {
   public:
    Lease(ConnectionPool& pool, std::unique_ptr<Connection> connection)
        : m_pool(&pool), m_connection(std::move(connection)) {}
    ~Lease();
    Lease(Lease&& other) noexcept = default;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Lease& operator=(Lease&&) = delete;
    Connection& operator*() { return *m_connection; }
    Connection* operator->() { return m_connection.get(); }

   private:
    ConnectionPool* m_pool;
    std::unique_ptr<Connection> m_connection;
  };

  // A connection for this thread's use, opened on first need, waiting while all `size` are in
  // use; one found broken is reset first.
  Expected<Lease> acquire();

 private:
  void give_back(std::unique_ptr<Connection> connection);

  std::string m_uri;
  int m_size;
  std::mutex m_mutex;
  std::condition_variable m_returned;
  std::vector<std::unique_ptr<Connection>> m_idle;
  int m_open = 0;
};

}  // namespace shubbak::postgres
