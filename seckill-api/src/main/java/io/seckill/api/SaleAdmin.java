package io.seckill.api;

import io.seckill.api.ProductCatalog.ProductStock;
import java.util.Optional;

/** Opens and closes sales: loads a product's available stock and price into Redis. */
public final class SaleAdmin {
  private final AdmissionStore store;
  private final ProductCatalog catalog;
  private final Reconciler reconciler;
  private final AdmissionService admission;
  private final int reopenMaxPending;

  /**
   * An admin over the store, product-rpc and the reconciler; a reopen settles at most
   * {@code reopenMaxPending} pending admissions, and is refused while more wait.
   */
  public SaleAdmin(AdmissionStore store, ProductCatalog catalog, Reconciler reconciler, AdmissionService admission,
      int reopenMaxPending) {
    this.store = store;
    this.catalog = catalog;
    this.reconciler = reconciler;
    this.admission = admission;
    this.reopenMaxPending = reopenMaxPending;
  }

  /** How opening a sale ended. */
  public sealed interface OpenResult permits Opened, UnknownProduct, TooManyPending {}

  /** The sale is open with these slots. */
  public record Opened(OpenedSale sale) implements OpenResult {}

  /** product-rpc does not know the product. */
  public record UnknownProduct(long productId) implements OpenResult {}

  /** Too many admissions still to settle for a reopen now; the reconciler works them off. */
  public record TooManyPending(long productId, int pending, int limit) implements OpenResult {}

  /** The sale as loaded: slots left are available stock minus admissions not yet in the databases. */
  public record OpenedSale(long productId, String name, long priceCents, long available, long pendingUntried,
      long left) {}

  /**
   * Opens the sale of {@code productId}; empty when product-rpc does not know the product.
   * The sale is paused while loading; admissions already taken but not yet tried in the product
   * database are subtracted, so a reopen never hands out the same unit twice.
   */
  public OpenResult open(long productId) {
    boolean existed = store.sale(productId).isPresent();
    if (existed) {
      int pending = store.pendingCount(productId);
      if (pending > reopenMaxPending) {
        return new TooManyPending(productId, pending, reopenMaxPending);
      }
      store.closeSale(productId);
    }
    long now = System.currentTimeMillis();
    // Settle first, then read stock: an order tried in between is counted twice, never zero times.
    // The pending count was checked above; admissions arriving since are refused (the sale is closed).
    long untried = existed ? reconciler.settle(productId, now, now, reopenMaxPending) : 0;
    Optional<ProductStock> stock = catalog.stock(productId);
    if (stock.isEmpty()) {
      return new UnknownProduct(productId);
    }
    ProductStock s = stock.get();
    long left = Math.max(0, s.available() - untried);
    store.openSale(productId, left, s.priceCents(), s.initialStock(), System.currentTimeMillis());
    admission.clearSoldOut(productId);
    return new Opened(new OpenedSale(productId, s.name(), s.priceCents(), s.available(), untried, left));
  }

  /** Closes the sale; false when it was never opened. */
  public boolean close(long productId) {
    if (store.sale(productId).isEmpty()) {
      return false;
    }
    store.closeSale(productId);
    return true;
  }
}
