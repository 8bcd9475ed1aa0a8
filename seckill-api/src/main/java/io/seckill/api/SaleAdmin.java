package io.seckill.api;

import io.seckill.api.ProductCatalog.ProductStock;
import java.util.Optional;

/** Opens and closes sales: loads a product's available stock and price into Redis. */
public final class SaleAdmin {
  private final AdmissionStore store;
  private final ProductCatalog catalog;
  private final Reconciler reconciler;
  private final AdmissionService admission;

  /** An admin over the store, product-rpc and the reconciler. */
  public SaleAdmin(AdmissionStore store, ProductCatalog catalog, Reconciler reconciler, AdmissionService admission) {
    this.store = store;
    this.catalog = catalog;
    this.reconciler = reconciler;
    this.admission = admission;
  }

  /** The sale as loaded: slots left are available stock minus admissions not yet in the databases. */
  public record OpenedSale(long productId, String name, long priceCents, long available, long pendingUntried,
      long left) {}

  /**
   * Opens the sale of {@code productId}; empty when product-rpc does not know the product.
   * The sale is paused while loading; admissions already taken but not yet tried in the product
   * database are subtracted, so a reopen never hands out the same unit twice.
   */
  public Optional<OpenedSale> open(long productId) {
    boolean existed = store.sale(productId).isPresent();
    if (existed) {
      store.closeSale(productId);
    }
    long now = System.currentTimeMillis();
    // Settle first, then read stock: an order tried in between is counted twice, never zero times.
    long untried = existed ? reconciler.settle(productId, now, now, Integer.MAX_VALUE) : 0;
    Optional<ProductStock> stock = catalog.stock(productId);
    if (stock.isEmpty()) {
      return Optional.empty();
    }
    ProductStock s = stock.get();
    long left = Math.max(0, s.available() - untried);
    store.openSale(productId, left, s.priceCents(), s.initialStock(), System.currentTimeMillis());
    admission.clearSoldOut(productId);
    return Optional.of(new OpenedSale(productId, s.name(), s.priceCents(), s.available(), untried, left));
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
